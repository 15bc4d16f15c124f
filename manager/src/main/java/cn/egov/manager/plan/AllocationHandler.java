package cn.egov.manager.plan;

import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Json;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/plan/units/{code}}: the allocation view of a city, county or unit; for a
 * technician only of the account's counties and their units (anything else: 404, the same way
 * whether or not it exists).
 */
final class AllocationHandler implements Request.Handler {

    private final PlanService service;

    AllocationHandler(PlanService service) {
        this.service = service;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        String code = path.substring(path.lastIndexOf('/') + 1);
        if (!Caller.of(request).sees(code)) {
            return Json.error(response, callback, 404, PlanVisibility.notVisible(code));
        }
        try {
            var view = service.allocation(code);
            if (view.isEmpty()) {
                return Json.error(response, callback, 503, "no plan has been imported");
            }
            return Json.write(response, callback, 200, view.get());
        } catch (IllegalArgumentException e) {
            return Json.error(response, callback, 400, e.getMessage());
        }
    }
}
