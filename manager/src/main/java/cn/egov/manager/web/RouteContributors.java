package cn.egov.manager.web;

import java.util.List;

/**
 * The one list of the manager's web parts. To add yours: one line, your {@link RouteContributor}.
 */
public final class RouteContributors {
    private RouteContributors() {
    }

    public static List<RouteContributor> all() {
        return List.of(
                new FleetRoutes(),
                new cn.egov.manager.plan.PlanRoutes(),
                new cn.egov.manager.policy.PolicyRoutes(),
                new cn.egov.manager.portal.PortalPart(),
                new cn.egov.manager.duty.DutyPart()
        );
    }
}
