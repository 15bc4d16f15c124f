package cn.egov.manager.web;

import cn.egov.manager.app.ManagerContext;

/**
 * A part of the manager that serves web routes. Implementations are listed once in
 * {@link RouteContributors} and called before the web server starts.
 */
@FunctionalInterface
public interface RouteContributor {
    void contribute(WebRoutes routes, ManagerContext context) throws Exception;
}
