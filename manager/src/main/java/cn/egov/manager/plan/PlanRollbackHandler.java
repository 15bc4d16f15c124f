package cn.egov.manager.plan;

import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.WebAudit;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/plan/versions}: the kept versions, newest first. {@code POST /api/plan/rollback}
 * (NOC only, body {@code {}}): the version before the newest is put back in force; 422 when there is
 * none. Audited.
 */
final class PlanRollbackHandler implements Request.Handler {

    /** The rollback takes no parameters: an empty JSON object. */
    static final long MAX_BODY = 1024;

    private final PlanStore store;
    private final AuditLog audit;

    PlanRollbackHandler(PlanStore store, AuditLog audit) {
        this.store = store;
        this.audit = audit;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!"POST".equals(request.getMethod())) {
            return Json.write(response, callback, 200, Map.of("versions", store.versions(),
                    "inForce", store.current().map(LoadedPlan::version).orElse(0L)));
        }
        PlanStore.ImportResult r = store.rollback(System.currentTimeMillis(), Caller.of(request).name());
        audit.record(WebAudit.entry(request, "plan.rollback", "version " + r.version(),
                r.accepted() ? AuditEntry.Outcome.SUCCESS : AuditEntry.Outcome.REFUSED, r.message()));
        return Json.write(response, callback, PlanFilesHandler.status(r), PlanJson.result(r));
    }
}
