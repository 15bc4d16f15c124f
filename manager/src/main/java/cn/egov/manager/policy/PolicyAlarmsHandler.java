package cn.egov.manager.policy;

import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Json;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/policy/alarms?city=&county=&unit=&kind=&hours=}: the province-wide isolation alarm list
 * (a technician's: the account's counties).
 */
final class PolicyAlarmsHandler implements Request.Handler {

    private final PolicyQueries queries;

    PolicyAlarmsHandler(PolicyQueries queries) {
        this.queries = queries;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        PolicyQueries.AlarmFilter f;
        try {
            f = AlarmFilterParams.read(request, System.currentTimeMillis());
        } catch (IllegalArgumentException e) {
            return Json.error(response, callback, 400, e.getMessage());
        }
        return Json.write(response, callback, 200, Map.of("alarms", queries.alarms(PolicyVisibility.limit(f, Caller.of(request)))));
    }
}
