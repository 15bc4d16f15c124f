package cn.egov.manager.fleet.part;

import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.store.AlarmStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Json;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/boxes/{clientId}}: one box and its latest alarms. A box outside the caller's
 * counties is answered exactly like a box that does not exist: a technician learns nothing about
 * which unit codes are in use elsewhere.
 */
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
        Caller caller = Caller.of(request);
        var box = caller.sees(id) ? fleet.get(id) : Optional.<cn.egov.manager.fleet.BoxState>empty();
        if (box.isEmpty()) {
            return notFound(response, callback, id);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("box", BoxView.of(box.get()));
        out.put("alarms", alarms.latest(id, ALARMS_SHOWN).stream().map(a -> a.alarm()).toList());
        return Json.write(response, callback, 200, out);
    }

    /** The one answer for "no such box" and "not yours". */
    static boolean notFound(Response response, Callback callback, String id) {
        return Json.error(response, callback, 404, "no box '" + (id.matches("[0-9A-Za-z-]{1,32}") ? id : "?")
                + "' among the boxes you may see");
    }
}
