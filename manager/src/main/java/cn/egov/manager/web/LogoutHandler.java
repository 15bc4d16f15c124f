package cn.egov.manager.web;

import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code POST /logout} (with the session's CSRF token): ends the session, clears its cookie, audited. */
final class LogoutHandler implements Request.Handler {

    static final String PATH = "/logout";
    private final Sessions sessions;
    private final AuditLog audit;

    LogoutHandler(Sessions sessions, AuditLog audit) {
        this.sessions = sessions;
        this.audit = audit;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Session session = Session.of(request);
        if ("POST".equals(request.getMethod()) && session != null) {
            sessions.close(session.id());
            audit.record(WebAudit.entry(request, "logout", "", AuditEntry.Outcome.SUCCESS, "session closed"));
            Response.addCookie(response, LoginHandler.sessionCookie(request, "", 0));
        }
        response.setStatus(303);
        response.getHeaders().put(HttpHeader.LOCATION, LoginHandler.PATH);
        callback.succeeded();
        return true;
    }
}
