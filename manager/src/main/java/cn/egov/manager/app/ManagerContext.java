package cn.egov.manager.app;

import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.ingest.BoxMessenger;
import cn.egov.manager.ingest.TelemetryListeners;
import cn.egov.manager.store.AlarmStore;
import cn.egov.manager.store.Database;

/**
 * What the manager's parts share: handed to every {@link cn.egov.manager.web.RouteContributor}.
 *
 * @param config     the configuration file (other parts read their keys via {@code config.extension("ca")})
 * @param database   the store (SQLite or PostgreSQL); open a connection per unit of work
 * @param fleet      the fleet registry (status, hierarchy, last health of each box)
 * @param alarms     records alarms the manager itself raises (shown beside the boxes' alarms)
 * @param messenger  publishes to boxes through the broker as the manager's own client
 * @param listeners  register here to see every stored message (after it is committed)
 * @param gauges     register metrics here; {@code /api/metrics} shows them
 * @param policySigning the key that signs isolation policy bundles, or null when the CA is not configured
 * @param plans      the address plan in force (one store: the broker admits only units it declares)
 * @param ca         the provincial CA (issues the portal's signing and TLS identities, answers revocation), or null
 */
public record ManagerContext(ManagerConfig config, Database database, FleetRegistry fleet, AlarmStore alarms,
                             BoxMessenger messenger, TelemetryListeners listeners,
                             MetricGauges gauges, cn.egov.manager.policy.dist.PolicySigningKey policySigning,
                             cn.egov.manager.plan.PlanStore plans, cn.egov.manager.ca.ProvincialCa ca) {
}
