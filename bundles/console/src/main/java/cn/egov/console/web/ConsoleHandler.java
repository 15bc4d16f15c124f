package cn.egov.console.web;

import cn.egov.api.text.LogSafe;
import cn.egov.console.api.ConsoleSection;
import cn.egov.console.api.ConsoleUser;
import cn.egov.console.api.Role;
import cn.egov.console.api.SectionContext;
import cn.egov.console.auth.CsrfGuard;
import cn.egov.console.auth.Session;
import cn.egov.console.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import cn.egov.console.pages.jte.JtehomeGenerated;
import cn.egov.console.pages.jte.JterefusedGenerated;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's one handler: headers, log-in, the session or API token, CSRF, roles, and then
 * the page or the section. Everything a request must pass is here, in this order, so that no page
 * or section can forget a step.
 */
public final class ConsoleHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleHandler.class);
    /** {@code __Host-}: the browser keeps it only if Secure, Path=/ and without Domain. */
    public static final String SESSION_COOKIE = "__Host-egov-console";

    private final ConsoleServices services;
    private final StaticResources statics = new StaticResources();
    private final LoginPages login;
    private final TechnicianPages technician;
    private final AccountPages accounts;

    public ConsoleHandler(ConsoleServices services) {
        this.services = services;
        this.login = new LoginPages(services);
        this.technician = new TechnicianPages(services, this);
        this.accounts = new AccountPages(services, this);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        SecurityHeaders.apply(response.getHeaders(), path.startsWith("/static/"));
        String method = request.getMethod();
        String source = Request.getRemoteAddr(request);
        if (path.startsWith("/static/")) {
            return "GET".equals(method) && statics.serve(path.substring("/static/".length()), response, callback);
        }
        if (path.equals(LoginPages.PATH)) {
            return login.handle(request, response, callback, source);
        }
        String segment = firstSegment(path);
        Optional<ConsoleSection> section = services.sections().find(segment);
        Optional<Session> session = session(request);
        if (session.isEmpty()) {
            String bearer = bearer(request);
            if (bearer != null && section.isPresent()) {
                return apiTokenRequest(request, response, callback, section.get(), bearer, source);
            }
            if ("GET".equals(method) && acceptsHtml(request)) {
                String query = request.getHttpURI().getQuery();
                Response.sendRedirect(request, response, callback, HttpStatus.SEE_OTHER_303,
                        LoginPages.loginFor(path + (query == null ? "" : "?" + query)), true);
            } else {
                Response.writeError(request, response, callback, HttpStatus.UNAUTHORIZED_401);
            }
            return true;
        }
        Session s = session.get();
        if (CsrfGuard.stateChanging(method)) {
            String problem = CsrfGuard.problem(request, s.csrfToken());
            if (problem != null) {
                LOG.warn("console: {} {} by '{}' from {} refused: {}", method, LogSafe.of(path), s.user().name(),
                        LogSafe.of(source), LogSafe.of(problem));
                services.audit().record(s.user().name(), method + " " + path, "", "refused: " + problem, source);
                Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403);
                return true;
            }
        }
        if (path.equals("/logout") && "POST".equals(method)) {
            services.sessions().remove(s.id());
            services.audit().record(s.user().name(), "log out", "", "ok", source);
            Response.addCookie(response, cookie(""));
            Response.sendRedirect(request, response, callback, HttpStatus.SEE_OTHER_303, "/login", true);
            return true;
        }
        Exchange x = new Exchange(request, response, callback, s, path, source);
        if (section.isPresent()) {
            return sectionRequest(request, response, callback, section.get(), s.user(), s.csrfToken(), x, source)
                    || notFound(x);
        }
        if (path.equals("/")) {
            return home(x);
        }
        if (accounts.owns(segment)) {
            return accounts.handle(x, segment) || notFound(x);
        }
        if (technician.owns(segment)) {
            if (!s.user().has(Role.TECHNICIAN)) {
                return forbidden(x);
            }
            return technician.handle(x, segment) || notFound(x);
        }
        return notFound(x);
    }

    private boolean home(Exchange x) {
        List<Frame.NavItem> links = new ArrayList<>(nav(x.user(), ""));
        links.removeIf(n -> n.href().equals("/"));
        Frame frame = frame(x.session(), "首页 Home", "/");
        List<String> withoutPages = rolesWithoutPages(x.user());
        services.pages().render(x.response(), x.callback(), 200, out -> JtehomeGenerated.render(out, null, frame, links, withoutPages));
        return true;
    }

    /**
     * The user's roles (other than technician, whose pages are the console's own) that no section
     * on this box serves, e.g. clerk while the document exchange is not configured: the start page
     * says so, else a clerk sees an empty start page and no reason.
     */
    private List<String> rolesWithoutPages(ConsoleUser user) {
        Set<Role> served = services.sections().visibleTo(user).stream().flatMap(s -> s.roles().stream())
                .collect(Collectors.toSet());
        return user.roles().stream().filter(r -> r != Role.TECHNICIAN && !served.contains(r)).sorted()
                .map(r -> r.chinese() + " " + r.name().toLowerCase(Locale.ROOT)).toList();
    }

    boolean forbidden(Exchange x) throws StoreException {
        LOG.warn("console: '{}' ({}) may not open {}", x.user().name(), x.user().roles(), LogSafe.of(x.path()));
        if (CsrfGuard.stateChanging(x.request().getMethod())) {
            services.audit().record(x.user().name(), x.request().getMethod() + " " + x.path(), "", "forbidden", x.source());
        }
        if (acceptsHtml(x.request())) {
            refusedPage(x, HttpStatus.FORBIDDEN_403, "不能打开 Not allowed", forbiddenMessage(Set.of(Role.TECHNICIAN)));
        } else {
            Response.writeError(x.request(), x.response(), x.callback(), HttpStatus.FORBIDDEN_403);
        }
        return true;
    }

    /**
     * A path no page or section answers: a browser gets a page in the frame (with its navigation,
     * so the user can go on), any other client the plain error.
     */
    private boolean notFound(Exchange x) {
        if (!acceptsHtml(x.request())) {
            return false;
        }
        refusedPage(x, HttpStatus.NOT_FOUND_404, "找不到页面 Page not found",
                "没有这个页面：地址可能写错了，或页面已移走。请从上方的导航进入。 "
                        + "There is no such page: the address may be mistyped or out of date. Use the navigation above.");
        return true;
    }

    private void refusedPage(Exchange x, int status, String title, String message) {
        Frame frame = frame(x.session(), title, "");
        services.pages().render(x.response(), x.callback(), status, out -> JterefusedGenerated.render(out, null, frame, message));
    }

    private static String forbiddenMessage(Set<Role> roles) {
        String chinese = roles.stream().map(Role::chinese).sorted().collect(Collectors.joining("、"));
        String english = roles.stream().map(r -> r.name().toLowerCase(Locale.ROOT)).sorted().collect(Collectors.joining(" or "));
        return "您的账户不能打开此页面：它需要" + chinese + "角色。请用有该角色的账户登录，或请技术员为您的账户添加该角色。 "
                + "Your account may not open this page: it needs the role " + english
                + ". Log in with an account that has it, or ask a technician to add it to yours.";
    }

    private boolean apiTokenRequest(Request request, Response response, Callback callback, ConsoleSection section,
                                    String token, String source) throws Exception {
        Optional<Duration> wait = services.login().apiTokenBlocked(source);
        if (wait.isPresent()) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(Math.max(1, wait.get().toSeconds())));
            Response.writeError(request, response, callback, HttpStatus.TOO_MANY_REQUESTS_429);
            return true;
        }
        Optional<ConsoleUser> user = services.accounts().byApiToken(token);
        if (user.isEmpty()) {
            services.login().apiTokenFailed(source);
            Response.writeError(request, response, callback, HttpStatus.UNAUTHORIZED_401);
            return true;
        }
        return sectionRequest(request, response, callback, section, user.get(), "", null, source);
    }

    private boolean sectionRequest(Request request, Response response, Callback callback, ConsoleSection section,
                                   ConsoleUser user, String csrf, Exchange page, String source) throws Exception {
        boolean apiToken = page == null; // a browser page has a session; an API token has none
        String path = Request.getPathInContext(request);
        if (!user.hasAny(section.roles())) {
            LOG.warn("console: '{}' ({}) may not open {}", user.name(), user.roles(), LogSafe.of(path));
            if (page != null && acceptsHtml(request)) {
                refusedPage(page, HttpStatus.FORBIDDEN_403, "不能打开 Not allowed", forbiddenMessage(section.roles()));
            } else {
                Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403);
            }
            return true;
        }
        if (path.equals("/" + section.path())) {
            Response.sendRedirect(request, response, callback, HttpStatus.SEE_OTHER_303, path + "/", true);
            return true;
        }
        request.setAttribute(SectionContext.ATTRIBUTE, new ConsoleSectionContext(services, this, user, csrf, apiToken,
                source, section));
        Callback done = callback;
        if (CsrfGuard.stateChanging(request.getMethod())) {
            String action = request.getMethod() + " " + path;
            done = Callback.from(() -> {
                auditQuietly(user.name(), action, String.valueOf(response.getStatus()), source);
                callback.succeeded();
            }, failure -> {
                auditQuietly(user.name(), action, "failed: " + failure, source);
                callback.failed(failure);
            });
        }
        return section.handler().handle(request, response, done);
    }

    private void auditQuietly(String who, String action, String outcome, String source) {
        try {
            services.audit().record(who, action, "", outcome, source);
        } catch (StoreException e) {
            LOG.error("console: {}", e.getMessage());
        }
    }

    Frame frame(Session session, String title, String current) {
        var tls = services.tls().served();
        return new Frame(title, session.user(), nav(session.user(), current), session.csrfToken(), services.unit().get(),
                tls.enrolled(), tls.fingerprint());
    }

    Frame anonymousFrame(String title) {
        var tls = services.tls().served();
        return new Frame(title, null, List.of(), "", services.unit().get(), tls.enrolled(), tls.fingerprint());
    }

    private List<Frame.NavItem> nav(ConsoleUser user, String current) {
        List<Frame.NavItem> items = new ArrayList<>();
        items.add(new Frame.NavItem("/", "首页 Home", current.equals("/")));
        if (user.has(Role.TECHNICIAN)) {
            for (String[] page : TechnicianPages.NAV) {
                items.add(new Frame.NavItem(page[0], page[1], current.equals(page[0])));
            }
            items.add(new Frame.NavItem("/accounts", "账户 Accounts", current.equals("/accounts")));
            items.add(new Frame.NavItem("/audit", "审计 Audit", current.equals("/audit")));
        }
        for (ConsoleSection s : services.sections().visibleTo(user)) {
            String href = "/" + s.path() + "/";
            items.add(new Frame.NavItem(href, s.title(), current.equals(href)));
        }
        items.add(new Frame.NavItem("/me", "我的账户 My account", current.equals("/me")));
        return items;
    }

    /**
     * The request's live session, whose account still exists and has not changed (password, roles)
     * since the log-in: else the session ends here, whoever changed the account (this console, or
     * {@code appliance account} in another process).
     */
    private Optional<Session> session(Request request) throws StoreException {
        for (HttpCookie c : Request.getCookies(request)) {
            if (SESSION_COOKIE.equals(c.getName())) {
                Optional<Session> s = services.sessions().find(c.getValue());
                if (s.isPresent()) {
                    Optional<Instant> changed = services.accounts().changed(s.get().user().name());
                    if (changed.isEmpty() || changed.get().isAfter(s.get().created())) {
                        services.sessions().remove(s.get().id());
                        return Optional.empty();
                    }
                    return s;
                }
            }
        }
        return Optional.empty();
    }

    static HttpCookie cookie(String value) {
        HttpCookie.Builder b = HttpCookie.build(SESSION_COOKIE, value).path("/").secure(true).httpOnly(true)
                .sameSite(HttpCookie.SameSite.STRICT);
        if (value.isEmpty()) {
            b.maxAge(0);
        }
        return b.build();
    }

    private static String bearer(Request request) {
        String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        return auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).strip() : null;
    }

    static boolean acceptsHtml(Request request) {
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        // only page loads go to the log-in form: a favicon or style request answered by a redirect
        // would load /login behind the user's back
        return accept != null && accept.contains("text/html");
    }

    static String firstSegment(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        int slash = p.indexOf('/');
        return slash < 0 ? p : p.substring(0, slash);
    }
}
