package cn.egov.manager.web;

import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's one handler: finds the {@link WebRoute} for the path, checks the caller's role,
 * and hands over. 404 for unknown paths, 401 (with a Basic challenge) without valid credentials,
 * 403 when the role may not reach the route. The role is left in a request attribute for pages.
 */
final class RouteDispatcher extends Handler.Abstract {

    static final String ROLE_ATTRIBUTE = Role.class.getName();
    private static final Logger LOG = LoggerFactory.getLogger(RouteDispatcher.class);

    private final WebRoutes routes;
    private final RoleAuthenticator authenticator;

    RouteDispatcher(WebRoutes routes, RoleAuthenticator authenticator) {
        this.routes = routes;
        this.authenticator = authenticator;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        Optional<WebRoute> route = routes.find(path);
        if (route.isEmpty()) {
            return Json.error(response, callback, 404, "no such path: " + path);
        }
        WebRoute r = route.get();
        if (!r.isPublic()) {
            Optional<Role> role = authenticator.authenticate(request.getHeaders().get(HttpHeader.AUTHORIZATION));
            if (role.isEmpty()) {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"egov manager\", charset=\"UTF-8\"");
                return Json.error(response, callback, 401, "authentication required (Basic: noc/auditor/technician, or Bearer)");
            }
            if (!r.roles().contains(role.get())) {
                LOG.info("role {} refused on {}", role.get().user, path);
                return Json.error(response, callback, 403, "role " + role.get().user + " may not reach " + path);
            }
            request.setAttribute(ROLE_ATTRIBUTE, role.get());
        }
        try {
            return r.handler().handle(request, response, callback);
        } catch (Exception e) {
            LOG.warn("handler of {} failed on {}: {}", r.path(), path, e.toString(), e);
            return Json.error(response, callback, 500, "internal error");
        }
    }
}
