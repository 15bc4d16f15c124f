package cn.egov.manager.web;

import cn.egov.api.telemetry.Alarm;
import cn.egov.api.web.ConnectionCap;
import cn.egov.manager.metrics.Meters;
import cn.egov.manager.store.ThrottledAlarms;
import java.util.Map;
import org.eclipse.jetty.server.Server;

/**
 * One manager HTTP server's bound on open connections ({@link ConnectionCap}: its thread pool's queue grows with them) and
 * where reaching it shows: the gauge {@code <meterPrefix>.connections.open}, the counter
 * {@code <meterPrefix>.connections.limit-reached} and the {@value ConnectionCap#CONNECTION_LIMIT_ALARM} alarm, queued without blocking
 * Jetty's accepting thread and stored at most once per interval of {@code alarms}.
 *
 * @param server      the server's name in the alarm, e.g. "web", "portal content"
 * @param key         the configuration key {@code max} comes from, named in the alarm
 * @param max         most connections open at once
 * @param meters      where the gauge and the counter are registered
 * @param meterPrefix the meters' prefix, e.g. "web", "portal.content"
 * @param alarms      the manager's alarms from hot paths
 */
public record ConnectionLimit(String server, String key, int max, Meters meters, String meterPrefix, ThrottledAlarms alarms) {

    /** Bounds {@code jetty}'s connectors (added before) and registers the meters. */
    public ConnectionCap applyTo(Server jetty) {
        ConnectionCap cap = ConnectionCap.on(jetty, max, this::alarm);
        report(cap);
        return cap;
    }

    /** Registers the meters of a cap made before the manager's meters and alarms were there (the CA's server). */
    public void report(ConnectionCap cap) {
        meters.gauge(meterPrefix + ".connections.open", "connections the " + server + " server holds open", cap::open);
        meters.counter(meterPrefix + ".connections.limit-reached", "times the " + server + " server reached " + key
                + " and stopped accepting", cap::timesReached);
    }

    /** Queues the alarm; returns at once (Jetty's accepting thread calls it). */
    public void alarm(int atMax) {
        alarms.note("connection-limit/" + server, new Alarm(ConnectionCap.CONNECTION_LIMIT_ALARM, Alarm.Severity.MAJOR, "manager",
                "the " + server + " server has " + atMax + " connections open (" + key + ") and accepts no more until one closes",
                Map.of("server", server, "max_connections", Integer.toString(atMax)), System.currentTimeMillis()));
    }
}
