package cn.egov.manager.plan;

import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Json;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code GET /api/plan/remediation}: units not built to plan and how far each has come (a technician: the account's units). */
final class RemediationHandler implements Request.Handler {

    private final PlanService service;

    RemediationHandler(PlanService service) {
        this.service = service;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Caller caller = Caller.of(request);
        return Json.write(response, callback, 200, Map.of("units", service.remediation(System.currentTimeMillis()).stream()
                .filter(u -> caller.sees(u.unit())).toList()));
    }
}
