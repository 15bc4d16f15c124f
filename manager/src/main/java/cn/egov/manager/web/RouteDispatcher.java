package cn.egov.manager.web;

import cn.egov.api.text.LogSafe;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's one handler, in this order: security headers on every answer; the {@link WebRoute}
 * for the path (404); the method (405 with {@code Allow}); the caller — an API client's
 * {@code Authorization} ({@link WebAuthenticator}: Bearer token, or Basic; 429 with
 * {@code Retry-After} while throttled) or a browser's session cookie ({@link Sessions}); without
 * one, a browser asking for a page is sent to the log-in form and anything else gets 401; the
 * caller's role (403); for POST the cross-site checks (403, 415), the session's CSRF token (403)
 * and the route's body bound (413, declared or read); then the handler, which finds the
 * {@link Caller} (and {@link Session}) on the request.
 *
 * <p>Requests that change something must come from this site: a browser's POST carries the
 * session's CSRF token (header {@code X-CSRF-Token}, or form field {@code _csrf} on the form
 * routes), its {@code Origin} (or, when the browser sends the opaque {@code null},
 * {@code Sec-Fetch-Site}) must be this site's, and a REST POST must be JSON, which another site
 * cannot send without a CORS preflight this server never grants. Refused writes of an
 * authenticated caller go to the audit log.
 */
final class RouteDispatcher extends Handler.Abstract {

    /** Header that carries the session's CSRF token on a script's request. */
    static final String CSRF_HEADER = "X-CSRF-Token";
    /** Form field that carries the session's CSRF token. */
    static final String CSRF_FIELD = "_csrf";
    private static final Logger LOG = LoggerFactory.getLogger(RouteDispatcher.class);

    private final WebRoutes routes;
    private final WebAuthenticator authenticator;
    private final Sessions sessions;
    private final Supplier<Set<String>> origins;
    private final WebMetrics metrics;
    private final AuditLog audit;

    /**
     * @param origins the origins this site's own pages have, as {@link WebServer#normalise} writes them
     */
    RouteDispatcher(WebRoutes routes, WebAuthenticator authenticator, Sessions sessions, Supplier<Set<String>> origins,
                    WebMetrics metrics, AuditLog audit) {
        this.routes = routes;
        this.authenticator = authenticator;
        this.sessions = sessions;
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
            if (wantsPage(request)) {
                return refusedPage(request, response, callback, 404, "没有这个页面 No such page",
                        "没有这个页面；请从导航栏进入。 There is no page at " + LogSafe.of(path) + "; start from the navigation bar.");
            }
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
        Session session = null;
        if (!route.isPublic()) {
            String source = Request.getRemoteAddr(request);
            String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
            if (authorization != null) {
                WebAuthenticator.Outcome outcome = authenticator.authenticate(authorization, source);
                if (outcome instanceof WebAuthenticator.Throttled t) {
                    response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(WebAuthenticator.retrySeconds(t.retryAfter())));
                    return Json.error(response, callback, 429, "too many failed logins from this address or for this user; try again later");
                }
                if (outcome instanceof WebAuthenticator.Authenticated a) {
                    caller = a.caller();
                }
            } else {
                String id = LoginHandler.cookie(request, request.isSecure() ? Sessions.SECURE_COOKIE : Sessions.PLAIN_COOKIE);
                session = id == null ? null : sessions.find(id).orElse(null);
                if (session != null) {
                    caller = authenticator.resume(session).orElse(null);
                    if (caller == null) {
                        sessions.close(session.id()); // account removed or password changed since the log-in
                        session = null;
                    }
                }
            }
            if (caller == null) {
                if (!write && wantsPage(request)) {
                    String query = request.getHttpURI().getQuery();
                    response.setStatus(303);
                    response.getHeaders().put(HttpHeader.LOCATION, LoginHandler.PATH + "?next=" + java.net.URLEncoder.encode(
                            path + (query == null ? "" : "?" + query), java.nio.charset.StandardCharsets.UTF_8));
                    callback.succeeded();
                    return true;
                }
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"egov manager\"");
                return Json.error(response, callback, 401, "authentication required (log in at /login, or a Bearer API token,"
                        + " or Basic with an account)");
            }
            if (!route.roles().contains(caller.role()) || write && !route.writes().roles().contains(caller.role())) {
                LOG.info("{} ({}) refused {} {}", LogSafe.of(caller.name()), caller.role().label, method, LogSafe.of(path));
                if (write) {
                    audit(request, caller, path, "role " + caller.role().label + " may not change this");
                }
                if (!write && wantsPage(request)) {
                    request.setAttribute(Caller.ATTRIBUTE, caller); // the frame shows the pages this role may open
                    return refusedPage(request, response, callback, 403, "无权访问 Not allowed", "角色 " + caller.role().label
                            + " 不能查看此页。 Role " + caller.role().label + " may not see this page.");
                }
                return Json.error(response, callback, 403, "role " + caller.role().label + " may not " + (write ? "change" : "reach")
                        + " this path");
            }
            request.setAttribute(Caller.ATTRIBUTE, caller);
            if (session != null) {
                request.setAttribute(Session.ATTRIBUTE, session);
            }
        }
        String ambiguous = queryRefusal(request);
        if (ambiguous != null) {
            if (!write && wantsPage(request)) {
                return refusedPage(request, response, callback, 400, "地址有误 Bad address", "地址中的查询参数有误：" + ambiguous + "。 "
                        + "The address's query is refused: " + ambiguous + ".");
            }
            return Json.error(response, callback, 400, ambiguous);
        }
        if (write) {
            String refusal = crossSiteRefusal(request, route);
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
            Request bounded = new BoundedRequest(request, limit, metrics);
            if (write && session != null) {
                String token = request.getHeaders().get(CSRF_HEADER);
                if (token == null && route.writes().form()) {
                    token = FormFields.getFields(bounded).getValue(CSRF_FIELD);
                }
                if (!Sessions.sameToken(session.csrf(), token)) {
                    String why = token == null ? "no CSRF token" : "wrong CSRF token";
                    LOG.warn("refused {} {} of {} from {}: {}", method, LogSafe.of(path), LogSafe.of(caller.name()),
                            LogSafe.of(Request.getRemoteAddr(request)), why);
                    audit(request, caller, path, why);
                    return Json.error(response, callback, 403, why + ": reload the page and try again");
                }
            }
            return route.handler().handle(bounded, response, callback);
        } catch (Exception e) {
            BodyTooLargeException big = RequestBodies.tooLarge(e);
            if (big != null) {
                return tooLarge(request, response, callback, caller, path, big.limit());
            }
            LOG.warn("handler of {} failed on {}: {}", route.path(), LogSafe.of(path), LogSafe.of(e.toString()), e);
            return Json.error(response, callback, 500, "internal error");
        }
    }

    /**
     * Why the query string cannot be read one way only, or null: a parameter given twice
     * ({@code ?scope=13&scope=1306} would otherwise be read as its first value by one handler and
     * could be its last by another), or one that is not URL-encoded UTF-8 (which the handlers'
     * parsing would throw on, as a 500).
     */
    private static String queryRefusal(Request request) {
        if (request.getHttpURI().getQuery() == null) {
            return null;
        }
        Fields q;
        try {
            q = Request.extractQueryParameters(request);
        } catch (RuntimeException e) {
            return "the query string is not URL-encoded UTF-8";
        }
        for (Fields.Field f : q) {
            if (f.getValues().size() > 1) {
                String name = f.getName().length() > QueryFilters.MAX_ECHO_CHARS ? f.getName().substring(0, QueryFilters.MAX_ECHO_CHARS) + "…"
                        : f.getName();
                return "parameter '" + LogSafe.of(name) + "' is given " + f.getValues().size() + " times; give it once";
            }
        }
        return null;
    }

    /** A browser navigating to a page (it accepts HTML), not a script or an API client. */
    /** A browser asking for a page it cannot have gets a page that says why (JSON is for API clients). */
    private boolean refusedPage(Request request, Response response, Callback callback, int status, String title, String message) {
        Frame frame = Pages.frame(request, routes, title).still();
        return Pages.render(response, callback, status, out -> JterefusedGenerated.render(out, null, frame, message));
    }

    private static boolean wantsPage(Request request) {
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        return accept != null && accept.contains("text/html");
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
    private String crossSiteRefusal(Request request, WebRoute route) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        // Under our Referrer-Policy: no-referrer a browser's form POST says "Origin: null" (Fetch
        // standard); then Sec-Fetch-Site, which browsers always send, says where it came from.
        if ("null".equals(origin)) {
            String site = request.getHeaders().get("Sec-Fetch-Site");
            if (!"same-origin".equals(site)) {
                return "cross-site request refused (Origin null, Sec-Fetch-Site " + (site == null ? "missing" : LogSafe.of(site)) + ")";
            }
        } else if (origin != null && !origins.get().contains(WebServer.normalise(origin))) {
            return "cross-site request refused (Origin " + LogSafe.of(origin) + " is not this site's)";
        }
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        String mime = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        String wanted = route.writes().form() ? "application/x-www-form-urlencoded" : "application/json";
        if (!mime.equals(wanted)) {
            return "Content-Type must be " + wanted + " for " + request.getMethod() + " (was "
                    + (type == null ? "none" : LogSafe.of(type)) + ")";
        }
        return null;
    }
}
