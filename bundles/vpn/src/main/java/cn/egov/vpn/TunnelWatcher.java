package cn.egov.vpn;

import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.Priority;
import cn.egov.api.telemetry.TelemetryPublisher;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the tunnel up and says how it is: each {@link #poll()} lists charon's SAs, starts the
 * tunnel when it is down (with exponential {@link Backoff} between failed starts), counts rekeys
 * and traffic, and reports. A state change is published at once ({@link Priority#STATE}) with an
 * alarm ({@code vpn.down}, or CLEARED when back up); counters go out every report interval
 * ({@link Priority#HEALTH}).
 *
 * <p>Before each start the configuration is loaded again ({@code swanctl --load-all}), so a charon
 * that restarted, or a renewed certificate or CRL, is picked up without a separate path.
 *
 * <p>Poll-driven, not event-driven: one code path covers a daemon that restarted, a hub that
 * vanished and a missed event. {@link #poll()} is synchronous, so tests step it directly.
 */
public final class TunnelWatcher {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelWatcher.class);
    private static final String SOURCE = "vpn";

    private final Charon charon;
    private final String connection;
    private final String hub;
    private final TelemetryPublisher telemetry;
    private final Backoff backoff;
    private final Duration reportInterval;
    private final Clock clock;
    private volatile Consumer<TunnelStatus> listener = s -> { };

    // Only touched under the monitor of this object (poll is synchronized).
    private TunnelStatus status;
    private Boolean reportedUp;
    private long lastReport = Long.MIN_VALUE;
    private long nextAttempt = Long.MIN_VALUE;
    private long ikeId = -1;
    private long childId = -1;
    private long closedBytesIn;
    private long closedBytesOut;
    private long closedPacketsIn;
    private long closedPacketsOut;
    private ChildSa lastChild;

    private ScheduledFuture<?> task;

    /**
     * @param connection     the connection (and child) name in swanctl.conf
     * @param hub            the hub's address, for reports
     * @param reportInterval how often counters are published while nothing changes
     */
    public TunnelWatcher(Charon charon, String connection, String hub, TelemetryPublisher telemetry,
                         Backoff backoff, Duration reportInterval, Clock clock) {
        this.charon = charon;
        this.connection = connection;
        this.hub = hub;
        this.telemetry = telemetry;
        this.backoff = backoff;
        this.reportInterval = reportInterval;
        this.clock = clock;
        this.status = new TunnelStatus(false, hub, "NONE", null, 0, 0, 0, 0, 0, 0, 0, 0, null, clock.millis());
    }

    /** Called after every poll with the new status (the CLI prints it; tests wait on it). */
    public void onStatus(Consumer<TunnelStatus> listener) {
        this.listener = listener;
    }

    public synchronized TunnelStatus status() {
        return status;
    }

    /** Polls every {@code interval} on the executor until {@link #stop()}. */
    public synchronized void start(ScheduledExecutorService executor, Duration interval) {
        if (task != null) {
            throw new IllegalStateException("watcher for '" + connection + "' is already running");
        }
        task = executor.scheduleWithFixedDelay(this::pollQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    /**
     * Clears a standing {@code vpn.down}: the watcher goes away with its component (configuration
     * removed or changed; a new watcher raises it again if the tunnel is still down).
     */
    public synchronized void endConditions() {
        if (Boolean.FALSE.equals(reportedUp)) {
            telemetry.condition(new Alarm(BoxMetrics.VPN_DOWN_ALARM, Alarm.Severity.CLEARED, SOURCE,
                    "Tunnel watcher for " + hub + " stopped.", Map.of("hub", hub), clock.millis()));
            reportedUp = null;
        }
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            // The schedule must survive anything: a dead watcher would fail open on reporting.
            LOG.error("tunnel watcher poll failed", e);
        }
    }

    /** One step: observe, restart if due, report. */
    public synchronized TunnelStatus poll() {
        long now = clock.millis();
        String error = status.lastError();
        Optional<Observed> seen;
        try {
            seen = observe(charon.listSas());
        } catch (TunnelException e) {
            seen = Optional.empty();
            error = e.getMessage();
        }
        long initiations = status.initiations();
        int failures = status.failures();
        if (seen.isEmpty() && now >= nextAttempt) {
            initiations++;
            try {
                // Reload first: a restarted charon has forgotten the configuration and credentials.
                charon.loadAll();
                charon.initiate(connection);
                seen = observe(charon.listSas());
                if (seen.isEmpty()) {
                    throw new TunnelException("charon reported success but no SA for '" + connection + "' is installed");
                }
            } catch (TunnelException e) {
                failures++;
                error = e.getMessage();
                nextAttempt = now + backoff.delay(failures).toMillis();
                LOG.warn("tunnel '{}' to {} failed to start (attempt {}), next try in {} ms: {}",
                        connection, hub, failures, nextAttempt - now, error);
            }
        }
        TunnelStatus next = seen.isPresent() ? upStatus(seen.get(), initiations, now)
                : new TunnelStatus(false, hub, "NONE", null, 0, status.rekeys(), totalIn(), totalOut(),
                totalPacketsIn(), totalPacketsOut(), initiations, failures, error, now);
        if (seen.isPresent()) {
            nextAttempt = Long.MIN_VALUE;
        } else {
            retireChild();
        }
        status = next;
        report(next, now);
        listener.accept(next);
        return next;
    }

    private record Observed(IkeSa ike, ChildSa child) {
    }

    /**
     * The tunnel is up when its IKE SA is established and a CHILD SA of its name carries traffic.
     * During a rekey the old and new CHILD SAs overlap (INSTALLED next to REKEYING/REKEYED): the
     * newest one carrying traffic counts, so a rekey is never mistaken for an outage.
     */
    private Optional<Observed> observe(List<IkeSa> sas) {
        Observed best = null;
        for (IkeSa ike : sas) {
            if (!connection.equals(ike.connection()) || !ike.established()) {
                continue;
            }
            for (ChildSa child : ike.children()) {
                if (connection.equals(child.name()) && child.carriesTraffic()
                        && (best == null || rank(child) > rank(best.child())
                        || rank(child) == rank(best.child()) && child.uniqueId() > best.child().uniqueId())) {
                    best = new Observed(ike, child);
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** An installed SA is preferred to one being replaced. */
    private static int rank(ChildSa child) {
        return child.installed() ? 1 : 0;
    }

    private TunnelStatus upStatus(Observed o, long initiations, long now) {
        long rekeys = status.rekeys();
        boolean wasUp = status.up();
        if (wasUp && (o.ike().uniqueId() != ikeId || o.child().uniqueId() != childId)) {
            rekeys++;
        }
        if (o.child().uniqueId() != childId) {
            retireChild();
        }
        ikeId = o.ike().uniqueId();
        childId = o.child().uniqueId();
        lastChild = o.child();
        return new TunnelStatus(true, hub, o.ike().state(), o.ike().remoteId(), o.ike().establishedSeconds(), rekeys,
                totalIn(), totalOut(), totalPacketsIn(), totalPacketsOut(), initiations, 0, null, now);
    }

    /** Moves the counters of an SA that is gone into the running totals. */
    private void retireChild() {
        if (lastChild != null) {
            closedBytesIn += lastChild.bytesIn();
            closedBytesOut += lastChild.bytesOut();
            closedPacketsIn += lastChild.packetsIn();
            closedPacketsOut += lastChild.packetsOut();
            lastChild = null;
        }
        childId = -1;
        ikeId = -1;
    }

    private long totalIn() {
        return closedBytesIn + (lastChild == null ? 0 : lastChild.bytesIn());
    }

    private long totalOut() {
        return closedBytesOut + (lastChild == null ? 0 : lastChild.bytesOut());
    }

    private long totalPacketsIn() {
        return closedPacketsIn + (lastChild == null ? 0 : lastChild.packetsIn());
    }

    private long totalPacketsOut() {
        return closedPacketsOut + (lastChild == null ? 0 : lastChild.packetsOut());
    }

    private void report(TunnelStatus s, long now) {
        boolean changed = reportedUp == null || reportedUp != s.up();
        if (changed) {
            telemetry.publish(TunnelStatus.APP_ID, TunnelStatus.RESOURCE, s.toPayload(), Priority.STATE);
            telemetry.condition(alarm(s));
            if (s.up()) {
                LOG.info("tunnel '{}' to {} is up ({})", connection, hub, s.remoteId());
            } else {
                LOG.warn("tunnel '{}' to {} is down: {}", connection, hub, s.lastError());
            }
            reportedUp = s.up();
            lastReport = now;
        } else if (now - lastReport >= reportInterval.toMillis()) {
            telemetry.publish(TunnelStatus.APP_ID, TunnelStatus.RESOURCE, s.toPayload(), Priority.HEALTH);
            lastReport = now;
        }
    }

    private Alarm alarm(TunnelStatus s) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("hub", hub);
        evidence.put("connection", connection);
        if (s.up()) {
            evidence.put("remote_id", String.valueOf(s.remoteId()));
            return new Alarm(BoxMetrics.VPN_DOWN_ALARM, Alarm.Severity.CLEARED, SOURCE,
                    "Tunnel to the backbone hub " + hub + " is up again.", evidence, s.time());
        }
        evidence.put("initiations", Long.toString(s.initiations()));
        if (s.lastError() != null) {
            evidence.put("last_error", s.lastError());
        }
        return new Alarm(BoxMetrics.VPN_DOWN_ALARM, Alarm.Severity.MAJOR, SOURCE,
                "Tunnel to the backbone hub " + hub + " is down; backbone traffic is blocked until it is up.",
                evidence, s.time());
    }
}
