package cn.egov.manager.update;

import cn.egov.api.policy.PolicyScope;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.JsonBodies;
import cn.egov.manager.web.WebAudit;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/updates}: the newest pushes and where each box stands (requested, downloading,
 * installing, done, refused, rolled-back, with the box's last line). {@code POST
 * /api/updates/<serial>/push} (NOC and administrators): push update {@code serial} to the boxes of
 * {@code {"scope": "county:130602"}} (no body or no scope: the update's own signed scope). 202 with
 * the units sent a request; 404 no such update; 409 its file is missing; 422 no box in the scope;
 * 503 no download server. Every attempt goes to the audit log.
 */
final class UpdatesHandler implements Request.Handler {

    static final long MAX_BODY = 4096;
    private static final int HISTORY = 500;

    private final UpdatePushes pushes;
    private final UpdatePusher pusher;
    private final AuditLog audit;

    UpdatesHandler(UpdatePushes pushes, UpdatePusher pusher, AuditLog audit) {
        this.pushes = pushes;
        this.pusher = pusher;
        this.audit = audit;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (!"POST".equals(request.getMethod())) {
            if (!path.equals(UpdatePart.API)) {
                return Json.error(response, callback, 404, "GET " + UpdatePart.API + " lists the pushes");
            }
            return Json.write(response, callback, 200, Map.of("pushes", pushes.recent(HISTORY).stream().map(UpdatesHandler::view).toList()));
        }
        String rest = path.startsWith(UpdatePart.API + "/") ? path.substring(UpdatePart.API.length() + 1) : "";
        String[] parts = rest.split("/", -1);
        long serial;
        try {
            serial = parts.length == 2 && parts[1].equals("push") ? Long.parseLong(parts[0]) : -1;
        } catch (NumberFormatException e) {
            serial = -1;
        }
        if (serial < 1) {
            return refuse(request, response, callback, 404, rest, "POST " + UpdatePart.API + "/<serial>/push pushes an update");
        }
        PolicyScope scope = null;
        if (request.getLength() != 0) {
            JsonNode body;
            try {
                body = JsonBodies.object(request);
            } catch (JsonBodies.BadBody e) {
                return refuse(request, response, callback, 400, "serial " + serial, e.getMessage() + "; body: {\"scope\": \"county:130602\"} or none");
            }
            if (body.has("scope")) {
                try {
                    scope = PolicyScope.parse(body.path("scope").asText());
                } catch (IllegalArgumentException e) {
                    return refuse(request, response, callback, 400, "serial " + serial, "field 'scope': " + e.getMessage());
                }
            }
        }
        String target = "serial " + serial + (scope == null ? "" : " to " + scope);
        try {
            UpdatePusher.Outcome o = pusher.push(serial, scope, Caller.of(request).name());
            audit.record(WebAudit.entry(request, "update.push", target, AuditEntry.Outcome.SUCCESS, "egov-box " + o.version() + " requested of "
                    + o.units().size() + " box(es)" + (o.unsent().isEmpty() ? "" : ", " + o.unsent().size() + " not sent (broker)")));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("serial", o.serial());
            out.put("version", o.version());
            out.put("units", o.units());
            out.put("unsent", o.unsent());
            return Json.write(response, callback, 202, out);
        } catch (UpdatePusher.Refused e) {
            return refuse(request, response, callback, e.status, target, e.getMessage());
        }
    }

    private boolean refuse(Request request, Response response, Callback callback, int status, String target, String message) throws Exception {
        audit.record(WebAudit.entry(request, "update.push", target, AuditEntry.Outcome.REFUSED, message));
        return Json.error(response, callback, status, message);
    }

    static Map<String, Object> view(UpdatePushes.Push p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requestId", p.requestId());
        m.put("serial", p.serial());
        m.put("unit", p.unit());
        m.put("state", p.state().label());
        m.put("message", p.message());
        m.put("requestedBy", p.requestedBy());
        m.put("requestedAt", p.requestedAt().toString());
        m.put("updatedAt", p.updatedAt().toString());
        return m;
    }

}
