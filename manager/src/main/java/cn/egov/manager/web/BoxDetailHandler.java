package cn.egov.manager.web;

import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.store.AlarmStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code GET /api/boxes/{clientId}}: one box and its latest alarms. */
final class BoxDetailHandler implements Request.Handler {
    private static final int ALARMS_SHOWN = 20;
    private final FleetRegistry fleet;
    private final AlarmStore alarms;

    BoxDetailHandler(FleetRegistry fleet, AlarmStore alarms) {
        this.fleet = fleet;
        this.alarms = alarms;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        String id = path.substring(path.lastIndexOf('/') + 1);
        var box = fleet.get(id);
        if (box.isEmpty()) {
            return Json.error(response, callback, 404, "no box with client id '" + id + "'");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("box", BoxView.of(box.get()));
        out.put("alarms", alarms.latest(id, ALARMS_SHOWN).stream().map(a -> a.alarm()).toList());
        return Json.write(response, callback, 200, out);
    }
}
