package cn.egov.manager.web;

import cn.egov.manager.account.Role;
import cn.egov.manager.app.ManagerContext;
import java.util.EnumSet;
import java.util.Set;

/**
 * The fleet's routes: the NOC page, the box list and detail, ingest metrics, health.
 * <ul>
 *   <li>{@code /fleet} (page), {@code /api/boxes} and {@code /api/boxes/{id}}: NOC, auditors, duty
 *       officers; technicians for the boxes of their counties</li>
 *   <li>{@code /api/metrics}: NOC</li>
 *   <li>{@code /api/health}: public liveness, no data</li>
 * </ul>
 */
public final class FleetRoutes implements RouteContributor {

    @Override
    public void contribute(WebRoutes routes, ManagerContext ctx) {
        Set<Role> watchers = EnumSet.of(Role.NOC, Role.AUDITOR, Role.TECHNICIAN, Role.DUTY_OFFICER);
        routes.page("/fleet", "设备 Fleet", watchers, new FleetPageHandler(ctx.fleet(), routes));
        routes.api("/", EnumSet.allOf(Role.class), new RedirectHandler(routes));
        routes.api("/api/boxes", watchers, new BoxListHandler(ctx.fleet()));
        routes.api("/api/boxes/*", watchers, new BoxDetailHandler(ctx.fleet(), ctx.alarms()));
        routes.api("/api/metrics", EnumSet.of(Role.NOC), new MetricsHandler(ctx.gauges()));
        routes.publicRoute("/api/health", new HealthHandler(ctx.database(), ctx.gauges()));
    }
}
