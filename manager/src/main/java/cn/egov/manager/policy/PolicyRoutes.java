package cn.egov.manager.policy;

import cn.egov.manager.app.ManagerContext;
import cn.egov.manager.web.Role;
import cn.egov.manager.web.RouteContributor;
import cn.egov.manager.web.WebRoutes;
import java.util.EnumSet;

/**
 * The isolation policy's web routes, from what boxes report ({@code ISOLATION/policy} telemetry
 * and {@code isolation.*} alarms):
 * <ul>
 *   <li>{@code /policy} (page): per unit the policy in force, last verification, drift, alarms of 24 h;
 *       the alarm list with filters {@code city}, {@code county}, {@code unit}, {@code kind}, {@code hours}</li>
 *   <li>{@code GET /api/policy/units}, {@code GET /api/policy/units/{code}} (that unit's alarms of 24 h)</li>
 *   <li>{@code GET /api/policy/alarms?city=1306&county=130602&kind=isolation.denied&hours=24}</li>
 * </ul>
 */
public final class PolicyRoutes implements RouteContributor {

    @Override
    public void contribute(WebRoutes routes, ManagerContext ctx) {
        PolicyQueries queries = new PolicyQueries(ctx.database());
        EnumSet<Role> readers = EnumSet.of(Role.NOC, Role.AUDITOR);
        routes.page("/policy", "隔离策略 Policy", readers, new PolicyPageHandler(queries, routes));
        routes.api("/api/policy/units", readers, new PolicyUnitsHandler(queries));
        routes.api("/api/policy/units/*", readers, new PolicyUnitsHandler(queries));
        routes.api("/api/policy/alarms", readers, new PolicyAlarmsHandler(queries));
    }
}
