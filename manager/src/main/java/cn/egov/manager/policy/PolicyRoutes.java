package cn.egov.manager.policy;

import cn.egov.manager.app.ManagerContext;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.fleet.BoxState;
import cn.egov.manager.ingest.IngestKind;
import cn.egov.manager.policy.dist.PolicyBundleStore;
import cn.egov.manager.policy.dist.PolicyBundlesHandler;
import cn.egov.manager.policy.dist.PolicyCatchUp;
import cn.egov.manager.policy.dist.PolicyDistributor;
import java.sql.SQLException;
import java.time.Clock;
import cn.egov.manager.account.Role;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.web.RouteContributor;
import cn.egov.manager.web.WebRoute;
import cn.egov.manager.web.WebRoutes;
import java.util.EnumSet;

/**
 * The isolation policy's web routes, from what boxes report ({@code ISOLATION/policy} telemetry
 * and {@code isolation.*} alarms). NOC and auditors see every unit, technicians the units of their counties.
 * <ul>
 *   <li>{@code /policy} (page): per unit the policy in force, last verification, drift, alarms of 24 h;
 *       the alarm list with filters {@code city}, {@code county}, {@code unit}, {@code kind}, {@code hours}</li>
 *   <li>{@code GET /api/policy/units}, {@code GET /api/policy/units/{code}} (that unit's alarms of 24 h)</li>
 *   <li>{@code GET /api/policy/alarms?city=1306&county=130602&kind=isolation.denied&hours=24}</li>
 *   <li>{@code GET /api/policy/bundles} (history of signed bundles), {@code POST /api/policy/bundles} (NOC only:
 *       validate, sign and publish; see {@link PolicyBundlesHandler})</li>
 * </ul>
 * A box that connects (BIRTH) gets the newest bundle of its scope it was never sent ({@link PolicyCatchUp}).
 */
public final class PolicyRoutes implements RouteContributor {

    @Override
    public void contribute(WebRoutes routes, ManagerContext ctx) {
        PolicyBundleStore bundles;
        try {
            bundles = new PolicyBundleStore(ctx.database());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the policy bundle tables: " + e.getMessage(), e);
        }
        PolicyDistributor distributor = ctx.policySigning() == null ? null : new PolicyDistributor(bundles, ctx.policySigning(),
                ctx.messenger(), () -> ctx.fleet().list().stream().map(BoxState::clientId).toList(),
                ctx.config().get(ConfigKey.ACCOUNT), Clock.systemUTC());
        if (distributor != null) {
            PolicyCatchUp catchUp = new PolicyCatchUp(distributor, ctx.alarms());
            ctx.listeners().add(m -> {
                if (m.kind() == IngestKind.BIRTH) {
                    catchUp.onBirth(m.unit());
                }
            });
            ctx.gauges().register("policy.catchup.queue.depth", catchUp::depth);
            ctx.gauges().register("policy.catchup.queue.capacity", () -> PolicyCatchUp.CAPACITY);
            ctx.gauges().register("policy.catchup.dropped", catchUp::dropped);
            ctx.gauges().register("policy.catchup.sent", catchUp::sent);
        }
        PolicyQueries queries = new PolicyQueries(ctx.database(), bundles);
        // technicians: the units of their counties (the handlers filter); bundles have scopes, not units: province-wide roles only
        EnumSet<Role> readers = EnumSet.of(Role.NOC, Role.AUDITOR, Role.TECHNICIAN);
        EnumSet<Role> provinceReaders = EnumSet.of(Role.NOC, Role.AUDITOR);
        routes.page("/policy", "隔离策略 Policy", readers, new PolicyPageHandler(queries, routes));
        routes.api("/api/policy/units", readers, new PolicyUnitsHandler(queries));
        routes.api("/api/policy/units/*", readers, new PolicyUnitsHandler(queries));
        routes.api("/api/policy/alarms", readers, new PolicyAlarmsHandler(queries));
        routes.api("/api/policy/bundles", provinceReaders, new WebRoute.Writes(EnumSet.of(Role.NOC), PolicyBundlesHandler.MAX_BODY),
                new PolicyBundlesHandler(bundles, distributor, new AuditLog(ctx.database())));
    }
}
