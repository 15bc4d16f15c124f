package cn.egov.portal.mirror;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.portal.PortalIndex;
import cn.egov.api.portal.PortalManifest;
import cn.egov.api.portal.SignedSnapshot;
import cn.egov.api.portal.SiteFile;
import cn.egov.api.portal.SiteNode;
import cn.egov.api.portal.SnapshotException;
import cn.egov.api.portal.SnapshotException.Check;
import cn.egov.api.portal.SnapshotVerifier;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.PortalMetrics;
import cn.egov.api.telemetry.Priority;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.api.text.LogSafe;
import cn.egov.rules.unit.UnitCode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a site's newest signed snapshot to the box and swaps it in, or refuses it and changes
 * nothing that is served:
 * <ol>
 *   <li>the signed snapshot is fetched and verified ({@link SnapshotVerifier}: chain to the provincial
 *       root, portal-signing profile, signature, paths, sizes, this unit among the mirrors, a version
 *       newer than the floor), then the signer's revocation is asked ({@link SignerRevocation});</li>
 *   <li>only content the box does not have (verified) is fetched, by hash, into {@code staging/}, each
 *       file hashed while it arrives and refused when its hash or length differs from the manifest, or
 *       when the manager does not deliver it; the box never asks for anything a verified manifest does not list;</li>
 *   <li>when every file is in place the snapshot is kept and {@code current} renamed to it
 *       ({@link MirrorStore}), then the in-memory pointer is swapped ({@link ServedSites}).</li>
 * </ol>
 * A refusal raises {@link PortalMetrics#SNAPSHOT_REJECTED_ALARM} once per snapshot (the same
 * refused snapshot named again by the index is not fetched again); every outcome but "unchanged"
 * is reported on {@code PORTAL/snapshot}. One sync at a time ({@code synchronized}); content is
 * fetched with {@code parallelism} requests at once.
 */
public final class SnapshotSync implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotSync.class);
    private static final String SOURCE = "portal";
    private static final int BUFFER = 64 * 1024;
    /** fsyncs at once after a fetch (they wait on the disk, not the CPU; shared journal commits). */
    private static final int FORCE_THREADS = 32;

    /**
     * Bounds of what the box takes.
     *
     * @param maxFileBytes     largest file
     * @param maxSnapshotBytes largest signed snapshot taken (its manifest is held in memory while it is verified: about ten
     *                         times its size at the peak)
     * @param reserveDiskBytes free space left on the state file system after a sync, or it is refused
     * @param keepVersions     versions kept per site (the one served included)
     * @param parallelism      content requests at once
     * @param levels           site levels this box mirrors (province, city, county, department)
     */
    public record Limits(long maxFileBytes, int maxSnapshotBytes, long reserveDiskBytes, int keepVersions, int parallelism,
                         Set<SiteNode.Level> levels) {
        public Limits {
            levels = Set.copyOf(levels);
            if (maxSnapshotBytes < 1 || maxSnapshotBytes > SignedSnapshot.MAX_BYTES) {
                throw new IllegalArgumentException("max.snapshot.bytes must be 1.." + SignedSnapshot.MAX_BYTES + ", got " + maxSnapshotBytes);
            }
        }
    }

    private final MirrorStore store;
    private final VerifiedBlobs blobs;
    private final ServedSites served;
    private final Supplier<SnapshotVerifier> verifiers;
    private final SignerRevocation revocation;
    private final UnitCode unit;
    private final Limits limits;
    private final TelemetryPublisher telemetry;
    private final Clock clock;
    private final ExecutorService fetchers;
    private final ExecutorService forcers;
    /** Per site the envelope SHA-256 last refused or skipped: not fetched again until the index names another. */
    private final Map<String, String> refused = new HashMap<>();
    /** Per site the last refusal alarmed ("<envelope sha256> <check>"). */
    private final Map<String, String> alarmed = new HashMap<>();

    public SnapshotSync(MirrorStore store, VerifiedBlobs blobs, ServedSites served, Supplier<SnapshotVerifier> verifiers,
                        SignerRevocation revocation, UnitCode unit, Limits limits, TelemetryPublisher telemetry, Clock clock) {
        this.store = store;
        this.blobs = blobs;
        this.served = served;
        this.verifiers = verifiers;
        this.revocation = revocation;
        this.unit = unit;
        this.limits = limits;
        this.telemetry = telemetry;
        this.clock = clock;
        // both queues are bounded by their one submitter: sync and syncAll run on the mirror's one worker thread, submit
        // at most one task per file of one manifest (PortalManifest.MAX_FILES) and wait for all of them before returning
        this.fetchers = Executors.newFixedThreadPool(limits.parallelism(), r -> {
            Thread t = new Thread(r, "portal-fetch");
            t.setDaemon(true);
            return t;
        });
        this.forcers = Executors.newFixedThreadPool(FORCE_THREADS, r -> {
            Thread t = new Thread(r, "portal-fsync");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * At start: serves each site's current version again, after verifying its signature (the chain as
     * it was when issued: a served site does not fall away when its signer expires) and that its
     * content is on disk; when it does not verify, the newest older kept version that does. The content
     * itself is verified as it is first read and by the scheduled scan.
     */
    public synchronized List<SyncOutcome> restore() throws IOException {
        List<SyncOutcome> out = new ArrayList<>();
        for (String site : store.sites()) {
            long current = store.current(site);
            List<Long> candidates = new ArrayList<>();
            if (current > 0) {
                candidates.add(current);
            }
            store.versions(site).stream().filter(v -> v != current).forEach(candidates::add);
            SyncOutcome o = null;
            for (long v : candidates) {
                try {
                    SignedSnapshot s = SignedSnapshot.decode(store.snapshot(site, v));
                    PortalManifest m = verifiers.get().reverify(s, unit, site, limits.maxFileBytes());
                    for (SiteFile f : m.files()) {
                        if (!Files.isRegularFile(store.blob(f.sha256()))) {
                            throw new SnapshotException(Check.MISSING, "file " + f.path() + " (" + f.sha256() + ") is not on disk");
                        }
                    }
                    if (v != current) {
                        store.serve(site, v);
                    }
                    served.swap(SiteSnapshot.of(m, s.sha256()));
                    o = new SyncOutcome(site, SyncOutcome.Status.ACCEPTED, v, "", "restored site " + site + " version " + v
                            + (v != current ? " (version " + current + " did not verify)" : ""), 0, 0);
                    break;
                } catch (SnapshotException e) {
                    LOG.warn("portal: kept version {} of {} does not verify ({}): {}", v, site, e.check().label(), e.getMessage());
                    o = reject(site, v, e.check().label(), "kept version " + v + " does not verify: " + e.getMessage(), "");
                } catch (IOException e) {
                    o = reject(site, v, Check.STORE.label(), "kept version " + v + " cannot be read: " + e.getMessage(), "");
                }
            }
            if (o != null) {
                LOG.info("portal at start: {} {}", o.status(), o.message());
                out.add(o);
            }
        }
        return out;
    }

    /** Asks the manager for this unit's index and syncs every site it names with a version newer than the floor. */
    public List<SyncOutcome> syncAll(ManagerClient client) {
        PortalIndex index;
        try {
            index = PortalIndex.parse(client.index());
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.info("portal: manager unreachable ({}); serving what the box has", why);
            return List.of(new SyncOutcome("", SyncOutcome.Status.UNREACHABLE, 0, "", why, 0, 0));
        } catch (SnapshotException e) {
            LOG.warn("portal: manager's index unreadable: {}", e.getMessage());
            return List.of(new SyncOutcome("", SyncOutcome.Status.UNREACHABLE, 0, "", e.getMessage(), 0, 0));
        }
        List<SyncOutcome> out = new ArrayList<>();
        for (PortalIndex.Entry e : index.entries()) {
            out.add(sync(client, e));
        }
        return out;
    }

    /** Syncs one site the index names, unless the box has that version (or refused that very snapshot). */
    public synchronized SyncOutcome sync(ManagerClient client, PortalIndex.Entry entry) {
        String site = entry.site();
        try {
            if (entry.version() <= store.floor(site) || entry.sha256().equals(refused.get(site))) {
                return new SyncOutcome(site, SyncOutcome.Status.UNCHANGED, entry.version(), "", "site " + site + " version "
                        + entry.version() + ": nothing new", 0, 0);
            }
            return fetch(client, entry);
        } catch (IOException e) {
            return new SyncOutcome(site, SyncOutcome.Status.UNREACHABLE, entry.version(), "", e.getMessage(), 0, 0);
        }
    }

    private SyncOutcome fetch(ManagerClient client, PortalIndex.Entry entry) throws IOException {
        String site = entry.site();
        byte[] envelope;
        try {
            envelope = client.snapshot(site, limits.maxSnapshotBytes());
        } catch (ManagerClient.TooLarge e) {
            // refused before more than the limit was read: a manifest this large would exhaust the box's memory while verified
            return reject(site, entry.version(), Check.SIZE.label(), "signed snapshot of " + site + " version " + entry.version()
                    + " is larger than max.snapshot.bytes (" + limits.maxSnapshotBytes() + " bytes)", entry.sha256());
        } catch (IOException e) {
            LOG.info("portal: snapshot of {} not fetched: {}", site, e.getMessage());
            return new SyncOutcome(site, SyncOutcome.Status.UNREACHABLE, 0, "", e.getMessage(), 0, 0);
        }
        String sha = hex(envelope);
        SignedSnapshot s;
        PortalManifest m;
        try {
            s = SignedSnapshot.decode(envelope);
            m = verifiers.get().verify(s, unit, site, store.floor(site), limits.maxFileBytes());
            Optional<String> revoked = revocation.revoked(s.signer());
            if (revoked.isPresent()) {
                throw new SnapshotException(Check.REVOKED, "signer " + s.signer().getSubjectX500Principal().getName()
                        + " was revoked by the provincial CA: " + revoked.get());
            }
        } catch (SnapshotException e) {
            return reject(site, versionOf(envelope), e.check().label(), e.getMessage(), sha);
        } catch (UncheckedIOException e) {
            return new SyncOutcome(site, SyncOutcome.Status.UNREACHABLE, 0, "", "trust anchors unreadable: " + e.getMessage(), 0, 0);
        }
        if (!limits.levels().contains(m.site().level())) {
            refused.put(site, sha);
            LOG.info("portal: site {} is a {} site; this box mirrors {}", site, m.site().level().label(), limits.levels());
            return new SyncOutcome(site, SyncOutcome.Status.SKIPPED, m.version(), "", "level " + m.site().level().label() + " not mirrored", 0, 0);
        }
        // what is missing or no longer verifies is fetched; the rest is reused
        Map<String, SiteFile> wanted = new LinkedHashMap<>();
        for (SiteFile f : m.files()) {
            if (!wanted.containsKey(f.sha256()) && blobs.check(f.sha256()) != VerifiedBlobs.State.OK) {
                wanted.put(f.sha256(), f);
            }
        }
        long needed = wanted.values().stream().mapToLong(SiteFile::size).sum();
        long free = Files.getFileStore(store.root()).getUsableSpace();
        if (free - needed < limits.reserveDiskBytes()) {
            return reject(site, m.version(), Check.STORE.label(), "site " + site + " version " + m.version() + " needs " + needed
                    + " bytes; " + free + " are free and " + limits.reserveDiskBytes() + " must stay free", "");
        }
        Map<String, Future<Path>> pending = new LinkedHashMap<>();
        for (SiteFile f : wanted.values()) {
            pending.put(f.sha256(), fetchers.submit(() -> fetchOne(client, site, f)));
        }
        SnapshotException failure = null;
        String unreachable = null;
        Map<String, Path> staged = new LinkedHashMap<>();
        for (Map.Entry<String, Future<Path>> p : pending.entrySet()) {
            try {
                staged.put(p.getKey(), p.getValue().get());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof SnapshotException se && failure == null) {
                    failure = se;
                } else if (!(e.getCause() instanceof SnapshotException) && unreachable == null) {
                    unreachable = String.valueOf(e.getCause().getMessage());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                unreachable = "interrupted";
            }
        }
        try {
            if (failure != null) {
                // content the manager lacks may come later: that snapshot is tried again, but alarmed once
                return reject(site, m.version(), failure.check().label(), failure.getMessage(), failure.check() == Check.MISSING ? "" : sha, sha);
            }
            // what did arrive (verified) is kept for the next try, which then fetches only the rest
            adopt(staged);
            if (unreachable != null) {
                return new SyncOutcome(site, SyncOutcome.Status.UNREACHABLE, m.version(), "", "content of " + site + " version " + m.version()
                        + " not fetched: " + unreachable + " (" + staged.size() + " of " + wanted.size() + " files arrived)", 0, 0);
            }
            store.keep(site, m.version(), envelope); // only now: every file it lists is on disk
            store.serve(site, m.version());
        } catch (java.io.InterruptedIOException e) {
            // the box is stopping (close() interrupts the pools): nothing was refused, the next start tries again
            return new SyncOutcome(site, SyncOutcome.Status.UNREACHABLE, m.version(), "", "site " + site + " version " + m.version()
                    + " not taken: " + e.getMessage(), 0, 0);
        } catch (IOException e) {
            return reject(site, m.version(), Check.STORE.label(), "site " + site + " version " + m.version() + " not stored: " + e.getMessage(), "");
        } finally {
            for (Path p : staged.values()) {
                Files.deleteIfExists(p); // left only when refused or not adopted
            }
        }
        SiteSnapshot before = served.get(site);
        served.swap(SiteSnapshot.of(m, sha));
        refused.remove(site);
        long bytes = needed;
        SyncOutcome o = new SyncOutcome(site, SyncOutcome.Status.ACCEPTED, m.version(), "", "site " + site + " version " + m.version()
                + " swapped in (was " + (before == null ? "none" : "version " + before.version()) + "): " + wanted.size() + " of "
                + m.files().size() + " files fetched, " + bytes + " bytes", wanted.size(), bytes);
        LOG.info("portal: {}", o.message());
        report(o);
        tidy(site);
        return o;
    }

    /**
     * Fetches one content file into staging while hashing it; returns the staged file when length and
     * hash match (it is deleted otherwise).
     */
    private Path fetchOne(ManagerClient client, String site, SiteFile f) throws IOException, SnapshotException {
        Path tmp = Files.createTempFile(store.staging(), f.sha256().substring(0, 12), ".part");
        boolean ok = false;
        try {
            MessageDigest md = VerifiedBlobs.sha256();
            long n = 0;
            try (InputStream in = client.blob(f.sha256()); OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[BUFFER];
                for (int r; (r = in.read(buf)) > 0; ) {
                    n += r;
                    if (n > f.size()) {
                        throw new SnapshotException(Check.SIZE, "site " + site + " file " + f.path() + ": the manager sent more than the "
                                + f.size() + " bytes the manifest states");
                    }
                    md.update(buf, 0, r);
                    out.write(buf, 0, r);
                }
            } catch (FileNotFoundException e) {
                throw new SnapshotException(Check.MISSING, "site " + site + " file " + f.path() + " (" + f.sha256()
                        + ") was not delivered: " + e.getMessage());
            }
            if (n < f.size()) {
                throw new SnapshotException(Check.MISSING, "site " + site + " file " + f.path() + ": " + n + " of " + f.size()
                        + " bytes delivered");
            }
            String actual = HexFormat.of().formatHex(md.digest());
            if (!actual.equals(f.sha256())) {
                throw new SnapshotException(Check.FILE_HASH, "site " + site + " file " + f.path() + " arrived with SHA-256 " + actual
                        + ", its manifest entry names " + f.sha256());
            }
            ok = true;
            return tmp;
        } finally {
            if (!ok) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Staged, verified files into the content store, on disk before anything refers to them. */
    private void adopt(Map<String, Path> staged) throws IOException {
        store.adopt(staged, forcers);
        for (String sha : staged.keySet()) {
            blobs.trust(sha);
        }
    }

    /**
     * Fetches one content file of a served snapshot again (found tampered on disk). Only content a
     * verified, served manifest lists is asked for.
     */
    public synchronized boolean repair(ManagerClient client, String sha256) {
        for (SiteSnapshot s : served.all()) {
            for (SiteFile f : s.files().values()) {
                if (f.sha256().equals(sha256)) {
                    try {
                        Files.deleteIfExists(store.blob(sha256)); // the tampered copy was moved aside already; nothing else may stand there
                        Path staged = fetchOne(client, s.site(), f);
                        try {
                            adopt(Map.of(sha256, staged));
                        } finally {
                            Files.deleteIfExists(staged);
                        }
                        LOG.info("portal: {} of {} fetched again", f.path(), s.site());
                        return true;
                    } catch (IOException | SnapshotException e) {
                        LOG.warn("portal: {} of {} not fetched again yet: {}", f.path(), s.site(), e.getMessage());
                        return false;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Serves an older kept version of a site (the technician's rollback). The floor stays: the
     * manager cannot push that old version again, and the next newer one replaces it.
     */
    public synchronized SyncOutcome rollback(String site, long version) throws IOException {
        try {
            SignedSnapshot s = SignedSnapshot.decode(store.snapshot(site, version));
            PortalManifest m = verifiers.get().reverify(s, unit, site, limits.maxFileBytes());
            for (SiteFile f : m.files()) {
                if (blobs.check(f.sha256()) != VerifiedBlobs.State.OK) {
                    throw new SnapshotException(Check.MISSING, "file " + f.path() + " of version " + version + " is not on disk intact");
                }
            }
            store.serve(site, version);
            served.swap(SiteSnapshot.of(m, s.sha256()));
            SyncOutcome o = new SyncOutcome(site, SyncOutcome.Status.ACCEPTED, version, "", "site " + site + " rolled back to version " + version, 0, 0);
            report(o);
            return o;
        } catch (SnapshotException e) {
            return new SyncOutcome(site, SyncOutcome.Status.REJECTED, version, e.check().label(), e.getMessage(), 0, 0);
        } catch (java.nio.file.NoSuchFileException e) {
            return new SyncOutcome(site, SyncOutcome.Status.REJECTED, version, Check.STORE.label(), "site " + site + " keeps no version " + version, 0, 0);
        }
    }

    /** Prunes old versions and deletes content no kept version lists. */
    private void tidy(String site) {
        try {
            store.prune(site, limits.keepVersions());
            Set<String> inUse = new HashSet<>();
            for (String s : store.sites()) {
                for (long v : store.versions(s)) {
                    try {
                        PortalManifest.parse(SignedSnapshot.decode(store.snapshot(s, v)).manifest()).files().forEach(f -> inUse.add(f.sha256()));
                    } catch (SnapshotException e) {
                        LOG.warn("portal: kept version {} of {} unreadable: {}", v, s, e.getMessage());
                    }
                }
            }
            int deleted = store.collect(inUse);
            if (deleted > 0) {
                LOG.info("portal: {} content file(s) no kept version lists were deleted", deleted);
            }
        } catch (IOException e) {
            LOG.warn("portal: tidying the store failed: {}", e.toString());
        }
    }

    private SyncOutcome reject(String site, long version, String check, String reason, String envelopeSha) {
        return reject(site, version, check, reason, envelopeSha, envelopeSha);
    }

    /**
     * @param notAgain the snapshot not to fetch again ("" to retry it)
     * @param alarmKey what was refused, for one alarm per refusal ("" to alarm every time)
     */
    private SyncOutcome reject(String site, long version, String check, String reason, String notAgain, String alarmKey) {
        if (!notAgain.isEmpty()) {
            refused.put(site, notAgain);
        }
        SiteSnapshot s = served.get(site);
        SyncOutcome o = new SyncOutcome(site, SyncOutcome.Status.REJECTED, version, check, reason, 0, 0);
        LOG.warn("portal: snapshot of {} refused ({}): {}", site, check, LogSafe.of(reason));
        if (!alarmKey.isEmpty() && (alarmKey + " " + check).equals(alarmed.put(site, alarmKey + " " + check))) {
            return o; // alarmed and reported already
        }
        Map<String, String> ev = new LinkedHashMap<>();
        ev.put("site", site);
        ev.put("version", Long.toString(version));
        ev.put("check", check);
        ev.put("reason", reason);
        ev.put("version_served", Long.toString(s == null ? 0 : s.version()));
        telemetry.alarm(new Alarm(PortalMetrics.SNAPSHOT_REJECTED_ALARM, Alarm.Severity.MAJOR, SOURCE, "snapshot of " + site
                + " refused by check '" + check + "': " + reason + "; " + (s == null ? "nothing is served" : "version " + s.version()
                + " stays served"), ev, clock.millis()));
        report(o);
        return o;
    }

    private void report(SyncOutcome o) {
        SiteSnapshot s = served.get(o.site());
        telemetry.publish(PortalMetrics.APP, PortalMetrics.SNAPSHOT_RESOURCE, KuraPayload.builder().timestamp(clock.millis())
                .metric(PortalMetrics.SITE, o.site())
                .metric(PortalMetrics.VERSION, o.version())
                .metric(PortalMetrics.OUTCOME, o.status() == SyncOutcome.Status.REJECTED ? "REJECTED" : "ACCEPTED")
                .metric(PortalMetrics.CHECK, o.check())
                .metric(PortalMetrics.REASON, o.status() == SyncOutcome.Status.REJECTED ? o.message() : "")
                .metric(PortalMetrics.VERSION_IN_FORCE, s == null ? 0L : s.version())
                .metric(PortalMetrics.FILES_FETCHED, (long) o.filesFetched())
                .metric(PortalMetrics.BYTES_FETCHED, o.bytesFetched()).build(), Priority.STATE);
    }

    private static long versionOf(byte[] envelope) {
        try {
            return PortalManifest.parse(SignedSnapshot.decode(envelope).manifest()).version();
        } catch (SnapshotException e) {
            return 0;
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(VerifiedBlobs.sha256().digest(bytes));
    }

    @Override
    public void close() {
        fetchers.shutdownNow();
        forcers.shutdownNow();
    }
}
