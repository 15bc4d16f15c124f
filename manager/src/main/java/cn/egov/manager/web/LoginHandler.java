package cn.egov.manager.web;

import cn.egov.api.text.LogSafe;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import java.util.List;
import org.eclipse.jetty.http.HttpCookie.SameSite;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /login}: the log-in form (GET) and its submission (POST). A right name and password open
 * a session (cookie {@code HttpOnly}, {@code SameSite=Strict}, {@code Secure} over HTTPS, as long as
 * the session's longest life) and send the browser on to the page it asked for. The form carries
 * its own CSRF token, also set as a cookie (double submit): another site cannot log a browser in
 * to an account of its choosing. Failures are throttled ({@code auth.throttle.*}: 429 with
 * {@code Retry-After}, the right password included), logged and audited; so are successes.
 */
final class LoginHandler implements Request.Handler {

    static final String PATH = "/login";
    private static final Logger LOG = LoggerFactory.getLogger(LoginHandler.class);

    private final WebRoutes routes;
    private final WebAuthenticator authenticator;
    private final Sessions sessions;
    private final AuditLog audit;

    LoginHandler(WebRoutes routes, WebAuthenticator authenticator, Sessions sessions, AuditLog audit) {
        this.routes = routes;
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.audit = audit;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!"POST".equals(request.getMethod())) {
            String next = safeNext(Request.extractQueryParameters(request).getValue("next"));
            return form(request, response, callback, 200, next, "", "");
        }
        Fields form = FormFields.getFields(request);
        String user = value(form, "user");
        String next = safeNext(value(form, "next"));
        String source = Request.getRemoteAddr(request);
        String cookie = cookie(request, loginCookie(request));
        if (!Sessions.sameToken(cookie, value(form, "_login"))) {
            LOG.warn("log-in form refused from {}: its token does not match its cookie", LogSafe.of(source));
            record(request, user, AuditEntry.Outcome.REFUSED, "log-in form without its token (reload the form)");
            return form(request, response, callback, 403, next, user, "表单已过期，请重试。 The form expired; please try again.");
        }
        WebAuthenticator.Outcome outcome = authenticator.logIn(user, value(form, "password").toCharArray(), source);
        if (outcome instanceof WebAuthenticator.Throttled t) {
            record(request, user, AuditEntry.Outcome.REFUSED, "too many failed log-ins");
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(WebAuthenticator.retrySeconds(t.retryAfter())));
            return form(request, response, callback, 429, next, user, "失败次数过多，请稍后再试。 Too many failed log-ins; try again in "
                    + WebAuthenticator.retrySeconds(t.retryAfter()) + " s.");
        }
        if (!(outcome instanceof WebAuthenticator.Authenticated a)) {
            record(request, user, AuditEntry.Outcome.REFUSED, "wrong user name or password");
            return form(request, response, callback, 401, next, user, "用户名或密码错误。 Wrong user name or password.");
        }
        // a log-in in a browser that still holds a session ends that one: one browser, one session
        String previous = cookie(request, request.isSecure() ? Sessions.SECURE_COOKIE : Sessions.PLAIN_COOKIE);
        if (previous != null) {
            sessions.close(previous);
        }
        Session session = sessions.open(a.caller().name(), a.passwordHash());
        request.setAttribute(Caller.ATTRIBUTE, a.caller());
        record(request, a.caller().name(), AuditEntry.Outcome.SUCCESS, "session opened");
        LOG.info("{} ({}) logged in from {}", LogSafe.of(a.caller().name()), a.caller().role().label, LogSafe.of(source));
        Response.addCookie(response, sessionCookie(request, session.id(), sessions.maxAgeSeconds()));
        Response.addCookie(response, cookie(request, loginCookie(request), "", 0));
        response.setStatus(303);
        response.getHeaders().put(HttpHeader.LOCATION, next.isEmpty() ? "/" : next);
        callback.succeeded();
        return true;
    }

    private boolean form(Request request, Response response, Callback callback, int status, String next, String user, String error) {
        // one token per browser while its cookie lives: opening the form again, or in a second tab,
        // must not void the form already on screen ("the form expired" for a right password)
        String token = cookie(request, loginCookie(request));
        if (token == null || !Sessions.isToken(token)) {
            token = Sessions.random();
            Response.addCookie(response, cookie(request, loginCookie(request), token, -1));
        }
        String formToken = token;
        Frame frame = new Frame("登录 Log in", List.of(), "", "", 0);
        return Pages.render(response, callback, status, out -> JteloginGenerated.render(out, null, frame, formToken, next, error, user));
    }

    private void record(Request request, String user, AuditEntry.Outcome outcome, String detail) {
        try {
            audit.record(new AuditEntry(System.currentTimeMillis(), user.isEmpty() ? "-" : LogSafe.of(user), "-", "login", "",
                    outcome, detail, Request.getRemoteAddr(request)));
        } catch (Exception e) {
            // AuditLog logged it
        }
    }

    /** Only a path of this site: never a scheme, a host or a protocol-relative URL. */
    static String safeNext(String next) {
        return cn.egov.api.web.LocalPath.orEmpty(next);
    }

    private static String value(Fields form, String name) {
        String v = form.getValue(name);
        return v == null ? "" : v;
    }

    /** The log-in form's cookie: {@code __Host-} over HTTPS, as the session's. */
    private static String loginCookie(Request request) {
        return request.isSecure() ? Sessions.SECURE_LOGIN_COOKIE : Sessions.PLAIN_LOGIN_COOKIE;
    }

    /** The session cookie: HttpOnly, SameSite=Strict, Secure and {@code __Host-} over HTTPS. */
    static org.eclipse.jetty.http.HttpCookie sessionCookie(Request request, String value, long maxAgeSeconds) {
        return cookie(request, request.isSecure() ? Sessions.SECURE_COOKIE : Sessions.PLAIN_COOKIE, value, maxAgeSeconds);
    }

    static org.eclipse.jetty.http.HttpCookie cookie(Request request, String name, String value, long maxAgeSeconds) {
        return org.eclipse.jetty.http.HttpCookie.build(name, value).path("/").httpOnly(true).secure(request.isSecure())
                .sameSite(SameSite.STRICT).maxAge(maxAgeSeconds).build();
    }

    /** A cookie's value from the request, or null. */
    static String cookie(Request request, String name) {
        List<org.eclipse.jetty.http.HttpCookie> cookies = Request.getCookies(request);
        for (org.eclipse.jetty.http.HttpCookie c : cookies) {
            if (c.getName().equals(name)) {
                return c.getValue();
            }
        }
        return null;
    }

}
