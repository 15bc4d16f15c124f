package cn.egov.manager.portal;

import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.PortalMetrics;
import cn.egov.manager.store.AlarmStore;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inspection's two single-veto items, seen from the manager every {@code portal.check-period-s}:
 * a site whose homepage is older than {@code portal.stale-days} (in its newest version here, or as a
 * box last served it) raises {@link PortalMetrics#STALE_ALARM}; a box whose last probe could not
 * reach a site's homepage raises {@link PortalMetrics#UNREACHABLE_ALARM}. Each is raised once and
 * CLEARED when it ends.
 */
final class FreshnessWatch implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(FreshnessWatch.class);

    private final PortalStore store;
    private final AlarmStore alarms;
    private final Duration staleAfter;
    private final Clock clock;
    private final Set<String> raised = new HashSet<>();

    FreshnessWatch(PortalStore store, AlarmStore alarms, Duration staleAfter, Clock clock) {
        this.store = store;
        this.alarms = alarms;
        this.staleAfter = staleAfter;
        this.clock = clock;
    }

    /** Conditions raised now, e.g. {@code portal.site.stale www.bd.gov.cn}. */
    synchronized Set<String> raised() {
        return Set.copyOf(raised);
    }

    @Override
    public synchronized void run() {
        try {
            long now = clock.millis();
            Map<String, Alarm> current = new LinkedHashMap<>();
            for (PortalStore.Version v : store.newest().values()) {
                long age = now / 1000 - v.homepageModified();
                if (v.homepageModified() > 0 && age > staleAfter.toSeconds()) {
                    current.put(PortalMetrics.STALE_ALARM + " " + v.site(), alarm(PortalMetrics.STALE_ALARM, Alarm.Severity.MAJOR,
                            "site " + v.site() + " not updated for " + age / 86_400 + " days (homepage of version " + v.version() + ")",
                            Map.of("site", v.site(), "version", Long.toString(v.version()), "age_s", Long.toString(age)), now));
                }
            }
            for (PortalStore.Probe p : store.probes()) {
                if (!p.reachable()) {
                    current.put(PortalMetrics.UNREACHABLE_ALARM + " " + p.unit() + " " + p.site(), alarm(PortalMetrics.UNREACHABLE_ALARM,
                            Alarm.Severity.CRITICAL, "site " + p.site() + " unreachable on the box of unit " + p.unit() + " (HTTP " + p.httpStatus() + ")",
                            Map.of("site", p.site(), "unit", p.unit(), "http_status", Integer.toString(p.httpStatus())), now));
                }
                if (p.lastModifiedAgeS() > staleAfter.toSeconds()) {
                    current.put(PortalMetrics.STALE_ALARM + " " + p.unit() + " " + p.site(), alarm(PortalMetrics.STALE_ALARM, Alarm.Severity.MAJOR,
                            "site " + p.site() + " as the box of unit " + p.unit() + " serves it is " + p.lastModifiedAgeS() / 86_400 + " days old",
                            Map.of("site", p.site(), "unit", p.unit(), "age_s", Long.toString(p.lastModifiedAgeS())), now));
                }
            }
            for (Map.Entry<String, Alarm> e : current.entrySet()) {
                if (raised.add(e.getKey())) {
                    alarms.raise(e.getValue());
                }
            }
            for (String gone : Set.copyOf(raised)) {
                if (!current.containsKey(gone)) {
                    raised.remove(gone);
                    String kind = gone.substring(0, gone.indexOf(' '));
                    alarms.raise(new Alarm(kind, Alarm.Severity.CLEARED, "portal", gone.substring(kind.length() + 1) + ": cleared",
                            Map.of("key", gone), now));
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("portal freshness check failed: {}", e.toString());
        }
    }

    private static Alarm alarm(String kind, Alarm.Severity severity, String message, Map<String, String> evidence, long now) {
        return new Alarm(kind, severity, "portal", message, evidence, now);
    }
}
