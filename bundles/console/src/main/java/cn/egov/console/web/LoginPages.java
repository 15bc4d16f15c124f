package cn.egov.console.web;

import cn.egov.console.api.SectionContext;
import cn.egov.console.auth.CsrfGuard;
import cn.egov.console.auth.LoginService;
import cn.egov.console.auth.Sessions;
import cn.egov.console.store.Accounts;
import cn.egov.api.web.LocalPath;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code /login}: the form, and the attempt. The form carries a token that must equal a cookie set
 * with it (double submit), so another site cannot log a browser into an account of its choosing.
 * A page asked for without a session is kept in {@code next} (only a path of this site,
 * {@link LocalPath}) and opened after the log-in.
 */
final class LoginPages {
    static final String LOGIN_COOKIE = "__Host-egov-login";
    static final String PATH = "/login";
    /** The form field (and query parameter) naming the page to open after the log-in. */
    static final String NEXT_FIELD = "next";
    static final String EXPIRED_FORM = "登录表单已过期（或浏览器不保存 Cookie），请重新输入用户名和密码。 "
            + "The log-in form had expired (or the browser keeps no cookies): enter your name and password again.";
    private final ConsoleServices services;
    private final SecureRandom random = new SecureRandom();

    LoginPages(ConsoleServices services) {
        this.services = services;
    }

    boolean handle(Request request, Response response, Callback callback, String source) throws Exception {
        if ("GET".equals(request.getMethod())) {
            form(request, response, callback, 200, next(Request.extractQueryParameters(request)), "");
            return true;
        }
        if (!"POST".equals(request.getMethod())) {
            Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
            return true;
        }
        Fields fields = FormFields.getFields(request);
        String token = fields.getValue(SectionContext.CSRF_FIELD);
        String cookie = Request.getCookies(request).stream().filter(c -> LOGIN_COOKIE.equals(c.getName()))
                .map(HttpCookie::getValue).findFirst().orElse(null);
        String origin = CsrfGuard.originProblem(request);
        if (origin != null || cookie == null || !Sessions.sameToken(cookie, token)) {
            org.slf4j.LoggerFactory.getLogger(LoginPages.class).warn("console: log-in form from {} refused: {}",
                    cn.egov.api.text.LogSafe.of(source), origin != null ? cn.egov.api.text.LogSafe.of(origin)
                            : cookie == null ? "no log-in cookie" : "log-in token does not match its cookie");
            if (origin == null && ConsoleHandler.acceptsHtml(request)) {
                // a form kept open while the browser was restarted (its cookie is gone): a fresh
                // form, not a bare 403 the user cannot act on
                form(request, response, callback, HttpStatus.FORBIDDEN_403, next(fields), EXPIRED_FORM);
            } else {
                Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403);
            }
            return true;
        }
        String next = next(fields);
        String name = fields.getValue("username");
        String password = fields.getValue("password");
        char[] secret = password == null ? new char[0] : password.toCharArray();
        LoginService.Outcome outcome;
        try {
            outcome = services.login().logIn(name == null ? "" : name.strip(), secret, source);
        } finally {
            Accounts.wipe(secret);
        }
        if (outcome instanceof LoginService.Outcome.LoggedIn in) {
            Response.addCookie(response, ConsoleHandler.cookie(in.session().id()));
            Response.addCookie(response, loginCookie("", 0));
            Response.sendRedirect(request, response, callback, HttpStatus.SEE_OTHER_303, next.isEmpty() ? "/" : next, true);
        } else if (outcome instanceof LoginService.Outcome.Throttled t) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(t.retryAfter().toSeconds()));
            form(request, response, callback, HttpStatus.TOO_MANY_REQUESTS_429, next, "尝试次数过多，请 " + t.retryAfter().toSeconds()
                    + " 秒后再试。 Too many failed attempts: try again in " + t.retryAfter().toSeconds() + " s.");
        } else {
            form(request, response, callback, HttpStatus.UNAUTHORIZED_401, next, "用户名或密码错误。 Wrong name or password.");
        }
        return true;
    }

    /** The page asked for before the log-in ({@code next}), if it is one of ours; else empty, and the log-in leads home. */
    private static String next(Fields fields) {
        return LocalPath.orEmpty(fields.getValue(NEXT_FIELD));
    }

    /** Where the log-in page sends a browser that asked for {@code pathAndQuery} without a session. */
    static String loginFor(String pathAndQuery) {
        String next = LocalPath.orEmpty(pathAndQuery);
        return next.isEmpty() || next.equals("/") ? PATH : PATH + "?" + NEXT_FIELD + "=" + URLEncoder.encode(next, StandardCharsets.UTF_8);
    }

    private void form(Request request, Response response, Callback callback, int status, String next, String error) {
        // one token per browser, kept while its cookie lives: a second tab (or any load of /login)
        // must not invalidate the form already on screen
        String token = Request.getCookies(request).stream().filter(c -> LOGIN_COOKIE.equals(c.getName()))
                .map(HttpCookie::getValue).filter(v -> v.matches("[A-Za-z0-9_-]{32}")).findFirst().orElse(null);
        if (token == null) {
            byte[] bytes = new byte[24];
            random.nextBytes(bytes);
            token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            Response.addCookie(response, loginCookie(token, -1));
        }
        String formToken = token;
        services.pages().render(response, callback, status, out -> cn.egov.console.pages.jte.JteloginGenerated.render(out, null, anonymous(), formToken, next, error));
    }

    private Frame anonymous() {
        var tls = services.tls().served();
        return new Frame("登录 Log in", null, java.util.List.of(), "", services.unit().get(), tls.enrolled(), tls.fingerprint());
    }

    private static HttpCookie loginCookie(String value, int maxAge) {
        HttpCookie.Builder b = HttpCookie.build(LOGIN_COOKIE, value).path("/").secure(true).httpOnly(true)
                .sameSite(HttpCookie.SameSite.STRICT);
        if (maxAge >= 0) {
            b.maxAge(maxAge);
        }
        return b.build();
    }
}
