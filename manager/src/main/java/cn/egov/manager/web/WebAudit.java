package cn.egov.manager.web;

import cn.egov.manager.audit.AuditEntry;
import org.eclipse.jetty.server.Request;

/** Audit-log entries for a request: the caller the dispatcher authenticated and the client's address. */
public final class WebAudit {

    private WebAudit() {
    }

    public static AuditEntry entry(Request request, String action, String target, AuditEntry.Outcome outcome, String detail) {
        Caller c = Caller.of(request);
        return new AuditEntry(System.currentTimeMillis(), c == null ? "-" : c.name(), c == null ? "-" : c.role().label, action,
                target, outcome, detail, Request.getRemoteAddr(request));
    }
}
