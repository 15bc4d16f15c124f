package cn.egov.manager.portal;

import cn.egov.manager.web.Json;
import cn.egov.manager.web.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/portal/notices}: emergency notices boxes published, newest first, with the
 * decision. {@code POST /api/portal/notices/<id>} (NOC only) {@code {"action": "fold"|"withdraw"}}:
 * signs a new version of the notice's site carrying the decision; 200 with that version, 400 when
 * the notice is not open.
 */
final class NoticesHandler implements Request.Handler {

    static final String PREFIX = "/api/portal/notices";
    /** Largest body of a decision. */
    static final int MAX_BODY = 4096;

    private final PortalStore store;
    private final NoticeDesk desk;

    NoticesHandler(PortalStore store, NoticeDesk desk) {
        this.store = store;
        this.desk = desk;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if ("GET".equals(request.getMethod()) && path.equals(PREFIX)) {
            return Json.write(response, callback, 200, Map.of("notices", store.notices()));
        }
        if (!"POST".equals(request.getMethod()) || path.length() <= PREFIX.length() + 1) {
            return Json.error(response, callback, 405, "GET " + PREFIX + ", or POST " + PREFIX + "/<id> {\"action\": \"fold\"|\"withdraw\"}");
        }
        String id = path.substring(PREFIX.length() + 1);
        NoticeDesk.Action action;
        try {
            JsonNode body = Json.MAPPER.readTree(Content.Source.asString(request));
            action = NoticeDesk.Action.valueOf(body.path("action").asText("").toUpperCase(Locale.ROOT));
        } catch (Exception e) {
            PortalPart.rethrowTooLarge(e);
            return Json.error(response, callback, 400, "body must be {\"action\": \"fold\"} or {\"action\": \"withdraw\"}");
        }
        try {
            SnapshotPublisher.Published p = desk.decide(id, action, Caller.of(request).name());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", id);
            out.put("state", action.state);
            out.put("site", p.version().site());
            out.put("version", p.version().version());
            out.put("units", p.units());
            return Json.write(response, callback, 200, out);
        } catch (SnapshotPublisher.Refused e) {
            return Json.error(response, callback, 400, e.getMessage());
        }
    }
}
