package cn.egov.console.web;

import cn.egov.console.api.Role;
import cn.egov.console.auth.Session;
import cn.egov.console.pages.jte.JteaccountsGenerated;
import cn.egov.console.pages.jte.JteauditGenerated;
import cn.egov.console.pages.jte.JtemeGenerated;
import cn.egov.console.store.Accounts;
import cn.egov.console.store.AuditLog;
import cn.egov.console.store.StoreException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;

/**
 * Accounts and the audit log (technicians), and every user's own account page (password, API token).
 * Each change is audited; a changed password, changed roles or a removed account end that
 * account's sessions.
 */
final class AccountPages {
    static final int AUDIT_PAGE = 100;
    private static final Set<String> SEGMENTS = Set.of("accounts", "audit", "me");

    private final ConsoleServices services;
    private final ConsoleHandler handler;

    AccountPages(ConsoleServices services, ConsoleHandler handler) {
        this.services = services;
        this.handler = handler;
    }

    boolean owns(String segment) {
        return SEGMENTS.contains(segment);
    }

    boolean handle(Exchange x, String segment) throws Exception {
        if (segment.equals("me")) {
            return me(x);
        }
        if (!x.user().has(Role.TECHNICIAN)) {
            return handler.forbidden(x);
        }
        return segment.equals("audit") ? audit(x) : accounts(x);
    }

    private boolean accounts(Exchange x) throws Exception {
        if (x.path().equals("/accounts") && !x.post()) {
            renderAccounts(x, 200, "", false);
            return true;
        }
        if (!x.post()) {
            return false;
        }
        Fields f = FormFields.getFields(x.request());
        String name = value(f, "name");
        String action = x.path().substring("/accounts/".length());
        String message;
        try {
            switch (action) {
                case "add" -> {
                    char[] pw = raw(f, "password").toCharArray();
                    try {
                        services.accounts().add(name, pw, roles(f), value(f, "unit").isEmpty() ? services.unit().get() : value(f, "unit"));
                    } finally {
                        Accounts.wipe(pw);
                    }
                    message = "已添加 Added " + name;
                }
                case "remove" -> {
                    if (name.equals(x.user().name())) {
                        throw new StoreException("you cannot remove your own account while logged in with it");
                    }
                    services.accounts().remove(name);
                    services.sessions().removeUser(name);
                    message = "已删除 Removed " + name;
                }
                case "password" -> {
                    char[] pw = raw(f, "password").toCharArray();
                    try {
                        services.accounts().setPassword(name, pw);
                    } finally {
                        Accounts.wipe(pw);
                    }
                    services.sessions().removeUser(name);
                    message = "已更改密码 Password changed for " + name;
                }
                case "roles" -> {
                    services.accounts().setRoles(name, roles(f));
                    services.sessions().removeUser(name);
                    message = "已更改角色 Roles changed for " + name;
                }
                default -> {
                    return false;
                }
            }
        } catch (StoreException | IllegalArgumentException e) {
            services.audit().record(x.user().name(), "account " + action, name, "refused: " + e.getMessage(), x.source());
            renderAccounts(x, HttpStatus.UNPROCESSABLE_ENTITY_422, e.getMessage(), false);
            return true;
        }
        services.audit().record(x.user().name(), "account " + action, name, "ok", x.source());
        renderAccounts(x, 200, message, true);
        return true;
    }

    private void renderAccounts(Exchange x, int status, String message, boolean ok) throws StoreException {
        List<cn.egov.console.store.Account> list = services.accounts().list();
        Frame frame = handler.frame(x.session(), "账户 Accounts", "/accounts");
        services.pages().render(x.response(), x.callback(), status, out -> JteaccountsGenerated.render(out, null, frame, list,
                List.of(Role.values()), message, ok, services.unit().get()));
    }

    private boolean audit(Exchange x) throws Exception {
        if (!x.path().equals("/audit") || x.post()) {
            return false;
        }
        int page = 0;
        String p = Request.extractQueryParameters(x.request()).getValue("page");
        if (p != null && p.matches("\\d{1,6}")) {
            page = Integer.parseInt(p);
        }
        List<AuditLog.Entry> entries = services.audit().recent(AUDIT_PAGE, page * AUDIT_PAGE);
        AuditLog.Stats stats = services.audit().stats();
        int shown = page;
        services.pages().render(x.response(), x.callback(), 200, out -> JteauditGenerated.render(out, null,
                handler.frame(x.session(), "审计 Audit", "/audit"), entries, stats, services.audit().settings().retention().toDays(),
                shown, entries.size() == AUDIT_PAGE));
        return true;
    }

    private boolean me(Exchange x) throws Exception {
        String name = x.user().name();
        if (x.path().equals("/me") && !x.post()) {
            renderMe(x, 200, "", false, "");
            return true;
        }
        if (!x.post()) {
            return false;
        }
        Fields f = FormFields.getFields(x.request());
        switch (x.path()) {
            case "/me/password" -> {
                // the current password is checked under the log-in's bound: a session (an unlocked
                // screen, a stolen cookie) must not be a way to guess it without limit
                Optional<Duration> wait = services.login().throttle().blocked(x.source(), name);
                if (wait.isPresent()) {
                    long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
                    services.audit().record(name, "change own password", name, "refused: too many wrong passwords", x.source());
                    x.response().getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(seconds));
                    renderMe(x, HttpStatus.TOO_MANY_REQUESTS_429, "尝试次数过多，请 " + seconds + " 秒后再试。 Too many wrong passwords:"
                            + " try again in " + seconds + " s.", false, "");
                    return true;
                }
                char[] current = raw(f, "current").toCharArray();
                char[] next = raw(f, "password").toCharArray();
                try {
                    if (services.accounts().verify(name, current).isEmpty()) {
                        services.login().throttle().failed(x.source(), name);
                        services.audit().record(name, "change own password", name, "refused: wrong current password", x.source());
                        renderMe(x, HttpStatus.UNPROCESSABLE_ENTITY_422, "当前密码错误 The current password is wrong.", false, "");
                        return true;
                    }
                    services.accounts().setPassword(name, next);
                } catch (StoreException e) {
                    services.audit().record(name, "change own password", name, "refused: " + e.getMessage(), x.source());
                    renderMe(x, HttpStatus.UNPROCESSABLE_ENTITY_422, e.getMessage(), false, "");
                    return true;
                } finally {
                    Accounts.wipe(current);
                    Accounts.wipe(next);
                }
                services.audit().record(name, "change own password", name, "ok", x.source());
                // every session of the account ends (another may be whoever learnt the old password);
                // this browser goes on in a new one
                services.sessions().removeUser(name);
                Session fresh = services.sessions().create(x.user(), x.source());
                Response.addCookie(x.response(), ConsoleHandler.cookie(fresh.id()));
                renderMe(new Exchange(x.request(), x.response(), x.callback(), fresh, x.path(), x.source()), 200,
                        "密码已更改 Password changed.", true, "");
            }
            case "/me/token" -> {
                String token = services.accounts().newApiToken(name);
                services.audit().record(name, "new API token", name, "ok", x.source());
                renderMe(x, 200, "新令牌只显示一次 The new token is shown once: copy it now.", true, token);
            }
            case "/me/token/revoke" -> {
                services.accounts().revokeApiToken(name);
                services.audit().record(name, "revoke API token", name, "ok", x.source());
                renderMe(x, 200, "令牌已撤销 Token revoked.", true, "");
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private void renderMe(Exchange x, int status, String message, boolean ok, String token) throws StoreException {
        boolean hasToken = services.accounts().find(x.user().name()).map(a -> a.apiToken()).orElse(false);
        services.pages().render(x.response(), x.callback(), status, out -> JtemeGenerated.render(out, null,
                handler.frame(x.session(), "我的账户 My account", "/me"), message, ok, token, hasToken));
    }

    private static Set<Role> roles(Fields f) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (Role r : Role.values()) {
            if (f.getValue("role." + r.name()) != null) {
                roles.add(r);
            }
        }
        return roles;
    }

    /** A password as typed: not trimmed. */
    private static String raw(Fields f, String name) {
        String v = f.getValue(name);
        return v == null ? "" : v;
    }

    private static String value(Fields f, String name) {
        String v = f.getValue(name);
        return v == null ? "" : v.strip();
    }
}
