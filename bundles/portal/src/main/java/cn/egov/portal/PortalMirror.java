package cn.egov.portal;

import cn.egov.api.control.ControlChannel;
import cn.egov.api.json.JsonValues;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.payload.PayloadFormatException;
import cn.egov.api.portal.EmergencyNotice;
import cn.egov.api.portal.PortalIndex;
import cn.egov.api.portal.PortalSigning;
import cn.egov.api.portal.SiteFile;
import cn.egov.api.portal.SnapshotException;
import cn.egov.api.portal.SnapshotVerifier;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.TlsContexts;
import cn.egov.portal.mirror.HttpsManagerClient;
import cn.egov.portal.mirror.ManagerClient;
import cn.egov.portal.mirror.MirrorStore;
import cn.egov.portal.mirror.ServedSites;
import cn.egov.portal.mirror.SignerRevocation;
import cn.egov.portal.mirror.SiteSnapshot;
import cn.egov.portal.mirror.SnapshotSync;
import cn.egov.portal.mirror.SyncOutcome;
import cn.egov.portal.mirror.TamperGuard;
import cn.egov.portal.mirror.VerifiedBlobs;
import cn.egov.portal.notice.NoticeBoard;
import cn.egov.portal.probe.SiteProbe;
import cn.egov.portal.serve.PortalAdmin;
import cn.egov.portal.serve.PortalServer;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The portal mirror of one box, in plain Java (the OSGi component {@link PortalComponent} only
 * feeds it configuration and services): restores what is on disk and serves it at once, then keeps
 * it current from the manager — at every poll, and as soon as an index arrives on the box's
 * control topic — and probes it as the inspection would.
 *
 * <p>Threads: one "portal-mirror" thread does every sync, repair, probe and scan in turn (a sync
 * never races a repair); Jetty's pool serves requests. A swap is the replacement of one
 * {@link SiteSnapshot} reference; requests in flight finish on the version they started with.
 */
public final class PortalMirror implements PortalAdmin, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PortalMirror.class);
    private static final int TOKEN_BYTES = 32;
    private static final long CERT_CHECK_S = 60;
    private static final long RESTORE_RETRY_S = 2;

    /**
     * Everything {@link PortalConfig} says, validated.
     *
     * @param managerUrl   the manager's content server
     * @param state        state directory
     * @param limits       what the box takes
     * @param server       listeners and serving options
     * @param pollInterval index poll
     * @param fetchTimeout per request to the manager
     * @param probeInterval inspection probe
     * @param staleAfter   homepage age that counts as "not updated"
     * @param scanInterval full re-hash of served content
     * @param maxNotices   open notices per site
     * @param defaultSite  for unknown host names ("" = the unit's own site)
     */
    public record Settings(URI managerUrl, Path state, SnapshotSync.Limits limits, PortalServer.Settings server, Duration pollInterval,
                           Duration fetchTimeout, Duration probeInterval, Duration staleAfter, Duration scanInterval, int maxNotices,
                           String defaultSite) {
    }

    private final Settings settings;
    private final UnitCode unit;
    private final Supplier<Optional<BoxCredentials>> credentials;
    private final Clock clock;
    private final MirrorStore store;
    private final VerifiedBlobs blobs;
    private final ServedSites served;
    private final SnapshotSync sync;
    private final TamperGuard guard;
    private final NoticeBoard notices;
    private final PortalServer server;
    private final SiteProbe probe;
    private final ScheduledExecutorService worker;
    /** Repairs asked for by the server on finding a tampered file: one waits at most, it repairs all pending. */
    private final Newest<Boolean> repairs;
    /** Index notifications from the manager: only the newest waits (it lists every version). */
    private final Newest<byte[]> indexes;
    private final AtomicReference<ClientFor> client = new AtomicReference<>();
    private ControlChannel.Subscription subscription;
    private final List<SyncOutcome> lastOutcomes = new ArrayList<>();
    private final String adminToken;
    /** The credentials HTTPS serves with now (worker thread only). */
    private BoxCredentials tlsFor;
    /** True once what is on disk was verified and served (worker thread writes it). */
    private volatile boolean restored;
    private boolean restoreWaiting;

    /** The client and the credentials it was made with (a renewed certificate makes a new one). */
    private record ClientFor(BoxCredentials credentials, ManagerClient client) {
    }

    /**
     * @param credentials the box's key and certificate, empty until enrolled
     * @param revocation  the snapshot signer's revocation (the PKI bundle)
     * @param clients     makes the client to the manager from a TLS context (tests pass their own)
     */
    private PortalMirror(Settings settings, UnitCode unit, Supplier<Optional<BoxCredentials>> credentials, SignerRevocation revocation,
                         TelemetryPublisher telemetry, Clock clock) throws IOException {
        this.settings = settings;
        this.unit = unit;
        this.credentials = credentials;
        this.clock = clock;
        this.store = new MirrorStore(settings.state());
        this.blobs = new VerifiedBlobs(store);
        this.served = new ServedSites(settings.defaultSite(), unit);
        this.sync = new SnapshotSync(store, blobs, served, this::verifier, revocation, unit, settings.limits(), telemetry, clock);
        this.guard = new TamperGuard(store, blobs, served, telemetry, clock);
        this.notices = new NoticeBoard(settings.state().resolve("notices"), served, unit, credentials, telemetry, settings.maxNotices(), clock);
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "portal-mirror");
            t.setDaemon(true);
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.worker = executor;
        // the worker's queue is unbounded: what web requests and MQTT messages hand it is coalesced (one run waits at most)
        this.repairs = new Newest<>(executor, tampered -> repairPending());
        this.indexes = new Newest<>(executor, this::onIndex);
        String token = HexFormat.of().formatHex(random(TOKEN_BYTES));
        this.server = new PortalServer(settings.server(), store, blobs, served, notices,
                (snap, file) -> {
                    guard.tampered(snap, file);
                    repairs.offer(Boolean.TRUE);
                }, this, token, clock);
        String probeHost = settings.server().httpBind().equals("0.0.0.0") ? "127.0.0.1" : settings.server().httpBind();
        this.probe = new SiteProbe(served, probeHost, server::httpPort, settings.staleAfter(), settings.fetchTimeout(), telemetry, clock);
        this.adminToken = token;
    }

    /**
     * Restores and serves what is on disk, starts the server, then keeps the mirror current.
     *
     * @param control the box's control channel for index notifications, or null (polling only)
     */
    public static PortalMirror start(Settings settings, UnitCode unit, Supplier<Optional<BoxCredentials>> credentials,
                                     SignerRevocation revocation, TelemetryPublisher telemetry, ControlChannel control, Clock clock)
            throws Exception {
        PortalMirror m = new PortalMirror(settings, unit, credentials, revocation, telemetry, clock);
        try {
            m.begin(control);
        } catch (Exception | Error e) {
            m.close();
            throw e;
        }
        return m;
    }

    private void begin(ControlChannel control) throws Exception {
        server.start();
        writeAdminFile();
        LOG.info("portal: listening on HTTP port {}; admin on 127.0.0.1:{}", server.httpPort(), server.adminPort());
        // what is on disk first (verified again), then the manager; all on the one mirror thread
        worker.execute(this::restore);
        worker.execute(this::checkCertificate);
        worker.scheduleWithFixedDelay(guarded(this::checkCertificate), CERT_CHECK_S, CERT_CHECK_S, TimeUnit.SECONDS);
        worker.scheduleWithFixedDelay(guarded(this::poll), 0, settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        worker.scheduleWithFixedDelay(guarded(probe::runOnce), settings.probeInterval().toMillis(), settings.probeInterval().toMillis(),
                TimeUnit.MILLISECONDS);
        worker.scheduleWithFixedDelay(guarded(() -> {
            if (guard.scan() > 0) {
                repairPending();
            }
        }), settings.scanInterval().toMillis(), settings.scanInterval().toMillis(), TimeUnit.MILLISECONDS);
        if (control != null) {
            subscription = control.subscribe(PortalSigning.APP_ID, PortalSigning.INDEX_RESOURCE, (topic, payload) -> indexes.offer(payload));
        }
    }

    /**
     * A periodic task that survives its own failure: an executor silently drops every later run of a
     * task that threw, which would end polling (or the scan) for good after one OutOfMemoryError.
     */
    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) { // logged; the next run comes as scheduled
                LOG.error("portal: a periodic task failed: {}", t.toString());
            }
        };
    }

    /**
     * Serves what is on disk once it verifies; the roots come from the PKI bundle, which may load the
     * key store a moment after this component starts (or the box is not enrolled yet): tried again
     * until they are there. Nothing is fetched before.
     */
    private void restore() {
        if (credentials.get().isEmpty()) {
            if (!restoreWaiting) {
                LOG.info("portal: no box certificate yet (not enrolled, or the key store not loaded): the mirror waits for it");
                restoreWaiting = true;
            }
            worker.schedule(this::restore, RESTORE_RETRY_S, TimeUnit.SECONDS);
            return;
        }
        try {
            sync.restore();
            notices.load();
        } catch (IOException | RuntimeException e) {
            LOG.error("portal: restoring the mirror from {} failed: {}", settings.state(), e.toString());
        }
        restored = true;
        LOG.info("portal: serving {} site(s) on HTTP port {}", served.all().size(), server.httpPort());
        if (restoreWaiting) {
            // the poll at start found nothing restored and did nothing: ask the manager now, not a poll interval later
            worker.execute(this::poll);
        }
    }

    /** The root(s) the box enrolled with: every snapshot must chain to one. */
    private SnapshotVerifier verifier() {
        BoxCredentials c = credentials.get().orElseThrow(() -> new UncheckedIOException(
                new IOException("the box is not enrolled: no provincial root to verify snapshots with")));
        List<X509Certificate> roots = c.trustAnchors().stream().filter(x -> x.getSubjectX500Principal().equals(x.getIssuerX500Principal())).toList();
        return new SnapshotVerifier(roots.isEmpty() ? c.trustAnchors() : roots, clock);
    }

    /** The client to the manager with the box's current certificate; empty before enrolment. */
    private Optional<ManagerClient> client() {
        Optional<BoxCredentials> c = credentials.get();
        if (c.isEmpty()) {
            return Optional.empty();
        }
        ClientFor cf = client.get();
        if (cf == null || cf.credentials() != c.get()) {
            try {
                cf = new ClientFor(c.get(), new HttpsManagerClient(settings.managerUrl(), TlsContexts.of(c.get()), settings.fetchTimeout()));
                client.set(cf);
            } catch (GeneralSecurityException e) {
                LOG.error("portal: cannot build TLS to the manager from the box certificate: {}", e.toString());
                return Optional.empty();
            }
        }
        return Optional.of(cf.client());
    }

    private void poll() {
        if (!restored) {
            return;
        }
        try {
            Optional<ManagerClient> c = client();
            if (c.isEmpty()) {
                LOG.info("portal: not enrolled yet: nothing is fetched; serving what the box has");
                return;
            }
            List<SyncOutcome> out = sync.syncAll(c.get());
            remember(out);
            repairPending();
        } catch (RuntimeException e) {
            LOG.warn("portal: poll failed: {}", e.toString());
        }
    }

    /** An index on the control topic: sync the sites it names now (it is a hint; everything is verified). */
    private void onIndex(byte[] payload) {
        if (!restored) {
            return; // the first poll after the restore asks for the same
        }
        try {
            KuraPayload p = KuraPayloadCodec.decode(payload);
            PortalIndex index = PortalIndex.parse(p.body() == null ? new byte[0] : p.body());
            Optional<ManagerClient> c = client();
            if (c.isEmpty()) {
                return;
            }
            List<SyncOutcome> out = new ArrayList<>();
            for (PortalIndex.Entry e : index.entries()) {
                out.add(sync.sync(c.get(), e));
            }
            remember(out);
        } catch (PayloadFormatException | SnapshotException e) {
            LOG.warn("portal: index notification unreadable: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("portal: index notification failed: {}", e.toString());
        }
    }

    private synchronized void remember(List<SyncOutcome> out) {
        lastOutcomes.clear();
        lastOutcomes.addAll(out);
    }

    private void repairPending() {
        if (guard.pending().isEmpty()) {
            return;
        }
        Optional<ManagerClient> c = client();
        for (String sha : guard.pending()) {
            if (c.isPresent() && sync.repair(c.get(), sha)) {
                guard.repaired(sha);
            }
        }
    }

    /** HTTPS on once the box has its certificate; a renewed certificate swapped in. */
    private void checkCertificate() {
        Optional<BoxCredentials> c = credentials.get();
        if (c.isEmpty()) {
            return;
        }
        try {
            if (!c.get().equals(tlsFor)) {
                server.tls(TlsContexts.of(c.get()));
                tlsFor = c.get();
                if (server.httpsPort() >= 0) {
                    LOG.info("portal: HTTPS on port {} with certificate {}", server.httpsPort(), c.get().certificate().getSubjectX500Principal().getName());
                }
            }
        } catch (Exception e) {
            LOG.error("portal: HTTPS not (re)started: {}", e.toString());
        }
    }

    /** {@code <state>/admin.json}: where the admin endpoint is and its token, for {@code appliance portal}; root only. */
    private void writeAdminFile() throws IOException {
        Path file = settings.state().resolve("admin.json");
        Path tmp = settings.state().resolve("admin.json.tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("url", "http://127.0.0.1:" + server.adminPort());
        m.put("token", adminToken);
        Files.writeString(tmp, JsonValues.canonical(m) + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    // ---- PortalAdmin ---------------------------------------------------------------------------

    @Override
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Object> sites = new ArrayList<>();
        for (SiteSnapshot s : served.all().stream().sorted(java.util.Comparator.comparing(SiteSnapshot::site)).toList()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("site", s.site());
            m.put("version", s.version());
            m.put("issued_at", s.issuedAt().toString());
            m.put("expires_at", s.manifest().expiresAt().toString());
            m.put("expired", s.expiredAt(clock.instant()));
            m.put("files", (long) s.files().size());
            m.put("bytes", s.manifest().totalBytes());
            List<Object> ns = new ArrayList<>();
            for (EmergencyNotice n : notices.active(s.site())) {
                ns.add(Map.of("id", n.id(), "title", n.title(), "path", "/" + n.path()));
            }
            m.put("notices", ns);
            try {
                m.put("kept_versions", new ArrayList<Object>(store.versions(s.site())));
            } catch (IOException e) {
                m.put("kept_versions", List.of());
            }
            sites.add(m);
        }
        out.put("unit", unit.toString());
        out.put("http_port", (long) server.httpPort());
        out.put("https_port", (long) server.httpsPort());
        out.put("sites", sites);
        List<Object> last = new ArrayList<>();
        synchronized (this) {
            lastOutcomes.forEach(o -> last.add(Map.of("site", o.site(), "status", o.status().name(), "version", o.version(),
                    "check", o.check(), "message", o.message())));
        }
        out.put("last_sync", last);
        out.put("tampered_pending", new ArrayList<Object>(guard.pending()));
        return out;
    }

    @Override
    public EmergencyNotice notice(String site, String title, String body) throws NoticeBoard.Refused, IOException {
        return notices.publish(site, title, body);
    }

    @Override
    public SyncOutcome rollback(String site, long version) throws IOException {
        return onWorker(() -> sync.rollback(site, version));
    }

    @Override
    public List<SyncOutcome> syncNow() {
        try {
            return onWorker(() -> {
                Optional<ManagerClient> c = client();
                if (c.isEmpty()) {
                    return List.of(new SyncOutcome("", SyncOutcome.Status.UNREACHABLE, 0, "", "not enrolled", 0, 0));
                }
                List<SyncOutcome> out = sync.syncAll(c.get());
                remember(out);
                return out;
            });
        } catch (IOException e) {
            return List.of(new SyncOutcome("", SyncOutcome.Status.UNREACHABLE, 0, "", e.getMessage(), 0, 0));
        }
    }

    /** Runs on the mirror's one thread (after what it is doing), so an admin request never races a sync. */
    private <T> T onWorker(java.util.concurrent.Callable<T> work) throws IOException {
        try {
            return worker.submit(work).get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    // ---- for tests and the benchmark ---------------------------------------------------------

    public ServedSites served() {
        return served;
    }

    public PortalServer server() {
        return server;
    }

    public Map<String, SiteProbe.Result> probeNow() {
        return probe.runOnce();
    }

    /** Scans every served file now (the scheduled scan) and fetches what was found changed. */
    public int scanNow() {
        int n = guard.scan();
        repairPending();
        return n;
    }

    public TamperGuard guard() {
        return guard;
    }

    /** Content file of a served site's path, for tests that tamper with it. */
    public Optional<Path> fileOf(String site, String path) {
        SiteSnapshot s = served.get(site);
        SiteFile f = s == null ? null : s.files().get(path);
        return f == null ? Optional.empty() : Optional.of(store.blob(f.sha256()));
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    @Override
    public void close() throws Exception {
        if (subscription != null) {
            subscription.close();
        }
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sync.close();
        server.close();
    }
}
