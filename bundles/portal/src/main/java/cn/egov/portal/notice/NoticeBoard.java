package cn.egov.portal.notice;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.portal.EmergencyNotice;
import cn.egov.api.portal.NoticeDecision;
import cn.egov.api.portal.NoticePage;
import cn.egov.api.portal.SignedNotice;
import cn.egov.api.portal.SnapshotException;
import cn.egov.api.telemetry.PortalMetrics;
import cn.egov.api.telemetry.Priority;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.api.text.LogSafe;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.portal.mirror.ServedSites;
import cn.egov.portal.mirror.SiteSnapshot;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emergency notices the unit publishes on its own site's mirror while the backbone is down. A
 * notice is signed with the box's key (its unit certificate), kept in {@code <state>/notices/},
 * served at once (its page {@code /notices/<id>.html}, and a box on the site's homepage), and queued
 * through the durable outbox to the manager ({@code PORTAL/notice}, alarm priority: never evicted),
 * which sends it when the link returns. It stays until a snapshot of the site carries the manager's
 * decision on it: folded (the official snapshot now holds the page) or withdrawn.
 *
 * <p>Only the unit that speaks for a site may publish on it ({@code SiteNode.ownedBy}: the owning
 * department, or the division's government office), at most {@code maxPerSite} open at once.
 */
public final class NoticeBoard {

    private static final Logger LOG = LoggerFactory.getLogger(NoticeBoard.class);
    private static final String SUFFIX = ".notice";

    private final Path dir;
    private final ServedSites served;
    private final UnitCode unit;
    private final Supplier<Optional<BoxCredentials>> credentials;
    private final TelemetryPublisher telemetry;
    private final int maxPerSite;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, EmergencyNotice> active = new ConcurrentHashMap<>();
    private final AtomicLong revision = new AtomicLong();

    /** A notice could not be published; the message says why. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        public Refused(String message) {
            super(message);
        }
    }

    public NoticeBoard(Path dir, ServedSites served, UnitCode unit, Supplier<Optional<BoxCredentials>> credentials,
                       TelemetryPublisher telemetry, int maxPerSite, Clock clock) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.served = served;
        this.unit = unit;
        this.credentials = credentials;
        this.telemetry = telemetry;
        this.maxPerSite = maxPerSite;
        this.clock = clock;
        served.onSwap(this::reconcile);
    }

    /** Reads the notices kept on disk (after a restart) and drops those a served snapshot decided. */
    public void load() throws IOException {
        try (DirectoryStream<Path> d = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path p : d) {
                try {
                    EmergencyNotice n = SignedNotice.decode(Files.readAllBytes(p)).notice();
                    active.put(n.id(), n);
                } catch (SnapshotException e) {
                    LOG.warn("portal: notice file {} unreadable, left aside: {}", p, e.getMessage());
                }
            }
        }
        served.all().forEach(this::reconcile);
        revision.incrementAndGet();
    }

    /** Signs, keeps, serves and queues a notice for the manager. */
    public EmergencyNotice publish(String site, String title, String body) throws Refused, IOException {
        SiteSnapshot s = served.get(site);
        if (s == null) {
            throw new Refused("site " + site + " is not mirrored on this box");
        }
        if (!s.manifest().site().ownedBy(unit)) {
            throw new Refused("unit " + unit + " does not speak for site " + site + " (owner " + s.manifest().site().owner() + ")");
        }
        if (active(site).size() >= maxPerSite) {
            throw new Refused("site " + site + " has " + maxPerSite + " open notices already (max_notices)");
        }
        BoxCredentials c = credentials.get().orElseThrow(() -> new Refused("this box is not enrolled: it has no key to sign a notice with"));
        byte[] rnd = new byte[2];
        random.nextBytes(rnd);
        EmergencyNotice n;
        SignedNotice signed;
        try {
            n = new EmergencyNotice(unit + "-" + clock.millis() + "-" + HexFormat.of().formatHex(rnd), site, unit.toString(), title,
                    body == null ? "" : body, clock.instant());
            signed = SignedNotice.sign(n, c.key(), c.chain());
        } catch (IllegalArgumentException e) {
            throw new Refused(e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new Refused("cannot sign with the box key: " + e.getMessage());
        }
        byte[] envelope = signed.encode();
        write(dir.resolve(n.id() + SUFFIX), envelope);
        active.put(n.id(), n);
        revision.incrementAndGet();
        telemetry.publish(PortalMetrics.APP, PortalMetrics.NOTICE_RESOURCE, KuraPayload.builder().timestamp(clock.millis())
                .metric(PortalMetrics.SITE, site).metric(PortalMetrics.NOTICE_ID, n.id()).body(envelope).build(), Priority.ALARM);
        LOG.info("portal: emergency notice {} published on {}: {}", n.id(), site, LogSafe.of(title));
        return n;
    }

    /** Open notices of a site, oldest first. */
    public List<EmergencyNotice> active(String site) {
        List<EmergencyNotice> out = new ArrayList<>();
        for (EmergencyNotice n : active.values()) {
            if (n.site().equals(site)) {
                out.add(n);
            }
        }
        out.sort(Comparator.comparing(EmergencyNotice::issuedAt));
        return out;
    }

    /** The page of an open notice of {@code site} at {@code path}, or empty. */
    public Optional<EmergencyNotice> at(String site, String path) {
        for (EmergencyNotice n : active.values()) {
            if (n.site().equals(site) && n.path().equals(path)) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    public byte[] page(EmergencyNotice n) {
        return NoticePage.render(n);
    }

    /** Changes whenever the open notices change (for caches of pages that show them). */
    public long revision() {
        return revision.get();
    }

    /** A new snapshot of a site: its decisions end the box's own copies. */
    private void reconcile(SiteSnapshot s) {
        boolean changed = false;
        for (EmergencyNotice n : List.copyOf(active.values())) {
            if (!n.site().equals(s.site())) {
                continue;
            }
            Optional<NoticeDecision.State> d = s.manifest().decision(n.id());
            if (d.isPresent()) {
                active.remove(n.id());
                changed = true;
                try {
                    Files.deleteIfExists(dir.resolve(n.id() + SUFFIX));
                } catch (IOException e) {
                    LOG.warn("portal: cannot delete notice file of {}: {}", n.id(), e.toString());
                }
                LOG.info("portal: notice {} {} by the manager (site {} version {}): the box's own copy is dropped", n.id(),
                        d.get().label(), s.site(), s.version());
            }
        }
        if (changed) {
            revision.incrementAndGet();
        }
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
