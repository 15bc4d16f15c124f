package cn.egov.manager.web;

import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
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
 *
 * <p>Requests that change something (any method but GET and HEAD) on an authenticated route must
 * come from this site and carry JSON: a browser that has logged in to a page resends its Basic
 * credentials with a form another site submits (text/plain, form-encoded, multipart), which could
 * otherwise sign and publish a policy. JSON cannot be sent across sites without a CORS preflight,
 * which this server never grants; a foreign {@code Origin} is refused outright.
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
            String refusal = crossSiteRefusal(request);
            if (refusal != null) {
                LOG.warn("refused {} {} from {}: {}", request.getMethod(), path, Request.getRemoteAddr(request), refusal);
                return Json.error(response, callback, refusal.startsWith("Content-Type") ? 415 : 403, refusal);
            }
        }
        try {
            return r.handler().handle(request, response, callback);
        } catch (Exception e) {
            LOG.warn("handler of {} failed on {}: {}", r.path(), path, e.toString(), e);
            return Json.error(response, callback, 500, "internal error");
        }
    }

    /** Why a state-changing request cannot be trusted to come from this site, or null. */
    private static String crossSiteRefusal(Request request) {
        String method = request.getMethod();
        if ("GET".equals(method) || "HEAD".equals(method)) {
            return null;
        }
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin != null) {
            HttpURI uri = request.getHttpURI();
            String own = uri.getScheme() + "://" + uri.getAuthority();
            if (!origin.equalsIgnoreCase(own)) {
                return "cross-site request refused (Origin " + origin + " is not " + own + ")";
            }
        }
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        String mime = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        if (!mime.equals("application/json")) {
            return "Content-Type must be application/json for " + method + " (was " + (type == null ? "none" : type) + ")";
        }
        return null;
    }
}
