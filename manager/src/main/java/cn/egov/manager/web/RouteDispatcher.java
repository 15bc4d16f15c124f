package cn.egov.manager.web;

import cn.egov.api.text.LogSafe;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's one handler, in this order: security headers on every answer; the {@link WebRoute}
 * for the path (404); the method (405 with {@code Allow}); the caller ({@link WebAuthenticator}:
 * 401 with a Basic challenge, 429 with {@code Retry-After} while throttled); the caller's role (403);
 * for POST the cross-site checks (403, 415) and the route's body bound (413, declared or read); then
 * the handler, which finds the {@link Caller} on the request.
 *
 * <p>Requests that change something must come from this site and carry JSON: a browser that has
 * logged in to a page resends its Basic credentials with a form another site submits (text/plain,
 * form-encoded, multipart), which could otherwise sign and publish a policy. JSON cannot be sent
 * across sites without a CORS preflight, which this server never grants; an {@code Origin} other
 * than the manager's public origin ({@code web.public-origin}) is refused outright. Refused writes
 * of an authenticated caller go to the audit log.
 */
final class RouteDispatcher extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(RouteDispatcher.class);

    private final WebRoutes routes;
    private final WebAuthenticator authenticator;
    private final Supplier<Set<String>> origins;
    private final WebMetrics metrics;
    private final AuditLog audit;

    /**
     * @param origins the origins this site's own pages have, as {@link WebServer#normalise} writes them
     */
    RouteDispatcher(WebRoutes routes, WebAuthenticator authenticator, Supplier<Set<String>> origins, WebMetrics metrics,
                    AuditLog audit) {
        this.routes = routes;
        this.authenticator = authenticator;
        this.origins = origins;
        this.metrics = metrics;
        this.audit = audit;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        Optional<WebRoute> found = routes.find(path);
        SecurityHeaders.apply(response.getHeaders(), request.isSecure(), found.map(r -> r.isPublic() && r.path().startsWith("/assets/"))
                .orElse(false));
        if (found.isEmpty()) {
            return Json.error(response, callback, 404, "no such path");
        }
        WebRoute route = found.get();
        String method = request.getMethod();
        if (!route.methods().contains(method)) {
            response.getHeaders().put(HttpHeader.ALLOW, String.join(", ", route.methods()));
            return Json.error(response, callback, 405, "method " + LogSafe.of(method) + " is not allowed here; use "
                    + String.join(" or ", route.methods()));
        }
        boolean write = "POST".equals(method);
        Caller caller = null;
        if (!route.isPublic()) {
            String source = Request.getRemoteAddr(request);
            WebAuthenticator.Outcome outcome = authenticator.authenticate(request.getHeaders().get(HttpHeader.AUTHORIZATION), source);
            if (outcome instanceof WebAuthenticator.Throttled t) {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(WebAuthenticator.retrySeconds(t.retryAfter())));
                return Json.error(response, callback, 429, "too many failed logins from this address or for this user; try again later");
            }
            if (!(outcome instanceof WebAuthenticator.Authenticated a)) {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"egov manager\", charset=\"UTF-8\"");
                return Json.error(response, callback, 401, "authentication required (Basic with an account, or a Bearer API token)");
            }
            caller = a.caller();
            if (!route.roles().contains(caller.role()) || write && !route.writes().roles().contains(caller.role())) {
                LOG.info("{} ({}) refused {} {}", LogSafe.of(caller.name()), caller.role().label, method, LogSafe.of(path));
                if (write) {
                    audit(request, caller, path, "role " + caller.role().label + " may not change this");
                }
                return Json.error(response, callback, 403, "role " + caller.role().label + " may not " + (write ? "change" : "reach")
                        + " this path");
            }
            request.setAttribute(Caller.ATTRIBUTE, caller);
        }
        if (write) {
            String refusal = crossSiteRefusal(request);
            if (refusal != null) {
                LOG.warn("refused {} {} from {}: {}", method, LogSafe.of(path), LogSafe.of(Request.getRemoteAddr(request)), LogSafe.of(refusal));
                audit(request, caller, path, refusal);
                return Json.error(response, callback, refusal.startsWith("Content-Type") ? 415 : 403, refusal);
            }
        }
        long limit = route.maxBodyBytes();
        if (request.getLength() > limit) {
            return tooLarge(request, response, callback, caller, path, limit);
        }
        try {
            return route.handler().handle(new BoundedRequest(request, limit, metrics), response, callback);
        } catch (Exception e) {
            BodyTooLargeException big = RequestBodies.tooLarge(e);
            if (big != null) {
                return tooLarge(request, response, callback, caller, path, big.limit());
            }
            LOG.warn("handler of {} failed on {}: {}", route.path(), LogSafe.of(path), LogSafe.of(e.toString()), e);
            return Json.error(response, callback, 500, "internal error");
        }
    }

    private boolean tooLarge(Request request, Response response, Callback callback, Caller caller, String path, long limit) {
        metrics.bodiesTooLarge.increment();
        String why = "request body larger than " + limit + " bytes";
        LOG.warn("refused {} {} from {}: {}", request.getMethod(), LogSafe.of(path), LogSafe.of(Request.getRemoteAddr(request)), why);
        if ("POST".equals(request.getMethod())) {
            audit(request, caller, path, why);
        }
        // the rest of the body is not read: the connection closes after this answer
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        return Json.error(response, callback, 413, why);
    }

    private void audit(Request request, Caller caller, String path, String why) {
        if (caller == null) {
            return;
        }
        try {
            audit.record(new AuditEntry(System.currentTimeMillis(), caller.name(), caller.role().label, "http.post", path,
                    AuditEntry.Outcome.REFUSED, why, Request.getRemoteAddr(request)));
        } catch (Exception e) {
            // AuditLog has logged it; the request is refused either way
        }
    }

    /** Why a state-changing request cannot be trusted to come from this site, or null. */
    private String crossSiteRefusal(Request request) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin != null && !origins.get().contains(WebServer.normalise(origin))) {
            return "cross-site request refused (Origin " + LogSafe.of(origin) + " is not this site's)";
        }
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        String mime = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mime.equals("application/json")) {
            return "Content-Type must be application/json for " + request.getMethod() + " (was "
                    + (type == null ? "none" : LogSafe.of(type)) + ")";
        }
        return null;
    }
}
