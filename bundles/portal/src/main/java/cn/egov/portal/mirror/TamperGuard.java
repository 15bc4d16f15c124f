package cn.egov.portal.mirror;

import cn.egov.api.portal.SiteFile;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.PortalMetrics;
import cn.egov.api.telemetry.TelemetryPublisher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a content file found changed on the box's disk (by the server as it reads it,
 * or by the scheduled scan): it is moved to {@code <state>/quarantine/} (evidence; the newest
 * {@link #KEPT} are kept), {@link PortalMetrics#TAMPERED_ALARM} is raised naming site, path,
 * expected and found hash, and it is queued to be fetched again from the manager (it is listed in
 * a verified manifest, so the box may ask for it). Until then the server refuses that path.
 */
public final class TamperGuard {

    private static final Logger LOG = LoggerFactory.getLogger(TamperGuard.class);
    private static final int KEPT = 16;

    private final MirrorStore store;
    private final VerifiedBlobs blobs;
    private final ServedSites served;
    private final TelemetryPublisher telemetry;
    private final Clock clock;
    private final Path quarantine;
    /** Content waiting to be fetched again, by hash. */
    private final Set<String> pending = ConcurrentHashMap.newKeySet();

    public TamperGuard(MirrorStore store, VerifiedBlobs blobs, ServedSites served, TelemetryPublisher telemetry, Clock clock) throws IOException {
        this.store = store;
        this.blobs = blobs;
        this.served = served;
        this.telemetry = telemetry;
        this.clock = clock;
        this.quarantine = Files.createDirectories(store.root().resolve("quarantine"));
    }

    /** A file of a served snapshot failed its check; idempotent while it waits to be fetched again. */
    public void tampered(SiteSnapshot snap, SiteFile file) {
        if (!pending.add(file.sha256())) {
            return;
        }
        String found;
        try {
            Path p = store.blob(file.sha256());
            if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                found = "missing";
            } else if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                found = "not a regular file";
                Files.move(p, quarantine.resolve(file.sha256() + "-" + clock.millis()), StandardCopyOption.ATOMIC_MOVE);
            } else {
                found = VerifiedBlobs.hash(p);
                Files.move(p, quarantine.resolve(file.sha256() + "-" + clock.millis()), StandardCopyOption.ATOMIC_MOVE);
            }
            trimQuarantine();
        } catch (IOException e) {
            found = "unreadable: " + e.getMessage();
        }
        blobs.forget(file.sha256());
        Map<String, String> ev = new LinkedHashMap<>();
        ev.put("site", snap.site());
        ev.put("path", file.path());
        ev.put("sha256", file.sha256());
        ev.put("found", found);
        ev.put("version", Long.toString(snap.version()));
        LOG.error("portal: {} of {} changed on disk (expected SHA-256 {}, found {}): refused, fetched again", file.path(), snap.site(),
                file.sha256(), found);
        telemetry.alarm(new Alarm(PortalMetrics.TAMPERED_ALARM, Alarm.Severity.CRITICAL, "portal", "file " + file.path() + " of "
                + snap.site() + " was changed on the box's disk: it is not served and is fetched again", ev, clock.millis()));
    }

    /** Content waiting to be fetched again. */
    public Set<String> pending() {
        return Set.copyOf(pending);
    }

    /** It was fetched again (or is no longer served). */
    public void repaired(String sha256) {
        pending.remove(sha256);
    }

    /** Hashes every file of every served snapshot again; returns how many were found changed. */
    public int scan() {
        int found = 0;
        Set<String> seen = new HashSet<>();
        for (SiteSnapshot s : served.all()) {
            for (SiteFile f : s.files().values()) {
                if (!seen.add(f.sha256()) || pending.contains(f.sha256())) {
                    continue;
                }
                try {
                    if (blobs.rehash(f.sha256()) != VerifiedBlobs.State.OK) {
                        tampered(s, f);
                        found++;
                    }
                } catch (IOException e) {
                    LOG.warn("portal scan: {} unreadable: {}", f.path(), e.toString());
                }
            }
        }
        return found;
    }

    private void trimQuarantine() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(quarantine)) {
            files = s.sorted(Comparator.comparing((Path p) -> p.toFile().lastModified()).reversed()).toList();
        }
        for (int i = KEPT; i < files.size(); i++) {
            Files.deleteIfExists(files.get(i));
        }
    }
}
