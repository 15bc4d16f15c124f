package cn.egov.manager.part;

import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.cluster.Leadership;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.config.PartValues;
import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.ingest.BoxMessenger;
import cn.egov.manager.ingest.BrokerLogin;
import cn.egov.manager.ingest.TelemetryListeners;
import cn.egov.manager.metrics.Meters;
import cn.egov.manager.store.AlarmStore;
import cn.egov.manager.store.Database;
import cn.egov.manager.store.ThrottledAlarms;
import cn.egov.manager.web.WebRoutes;
import java.util.Map;

/**
 * What the manager hands a {@link ManagerPart} when it starts: the shell's services, never another
 * part's.
 *
 * @param keys      the part's own keys by short name ({@code dir} for {@code plan.dir}), defaults filled in
 * @param config    the whole configuration (the core's keys: {@link #account()}, {@code data.dir}, ...)
 * @param database  the store (SQLite or PostgreSQL); open a connection per unit of work
 * @param fleet     the fleet registry (status, place and last health of each box)
 * @param alarms    records alarms the manager raises (shown beside the boxes' alarms)
 * @param hotAlarms alarms raised on threads that must not wait for the database (Jetty's accepting thread): queued,
 *                  stored by the manager's periodic check, one per key and interval
 * @param messenger publishes to boxes as the manager's own MQTT client
 * @param broker    how a part opens an MQTT connection of its own to the manager's broker
 * @param listeners register here to see every stored message (after its commit)
 * @param meters    register the part's meters here ({@code GET /metrics})
 * @param routes    register the part's REST routes and pages here
 * @param audit     the audit log (every state-changing action, done or refused)
 * @param leadership runs the part's province-wide singletons on one node only ({@link Leadership#every})
 */
public record PartContext(Map<String, String> keys, ManagerConfig config, Database database, FleetRegistry fleet,
                          AlarmStore alarms, ThrottledAlarms hotAlarms, BoxMessenger messenger, BrokerLogin broker, TelemetryListeners listeners,
                          Meters meters, WebRoutes routes, AuditLog audit,
                          Leadership leadership) {

    public PartContext {
        keys = Map.copyOf(keys);
    }

    /** The Kura account (first topic level) of this manager's boxes. */
    public String account() {
        return config.get(ConfigKey.ACCOUNT);
    }

    /** The part's keys for typed reads (their checks passed when the configuration was loaded). */
    public PartValues values() {
        return new PartValues(config.source(), keys);
    }

    /** One of the part's keys (short name), its default when the file does not set it. */
    public String key(String shortName) {
        String v = keys.get(shortName);
        if (v == null) {
            throw new IllegalArgumentException("the part has no key '" + shortName + "'");
        }
        return v;
    }
}
