package cn.egov.portal.serve;

import cn.egov.api.json.JsonValues;
import cn.egov.api.portal.EmergencyNotice;
import cn.egov.api.web.UnreadBody;
import cn.egov.portal.mirror.SyncOutcome;
import cn.egov.portal.notice.NoticeBoard;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The box-local admin endpoint, on its own connector bound to loopback only, for
 * {@code appliance portal ...} on the box. Every request must carry {@code Authorization: Bearer
 * <token>} with the token the running mirror wrote to {@code <state>/admin.json} (mode 0600, root
 * only); requests that change something must be JSON.
 * <ul>
 *   <li>{@code GET /admin/status}</li>
 *   <li>{@code POST /admin/notices} {@code {"site", "title", "body"}}: 201 with the notice id and path</li>
 *   <li>{@code POST /admin/rollback} {@code {"site", "version"}}</li>
 *   <li>{@code POST /admin/sync}</li>
 * </ul>
 */
final class AdminHandler extends Handler.Abstract {

    private static final int MAX_BODY = 64 * 1024;

    private final byte[] token;
    private final PortalAdmin admin;

    AdminHandler(String token, PortalAdmin admin) {
        this.token = ("Bearer " + token).getBytes(StandardCharsets.US_ASCII);
        this.admin = admin;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (auth == null || !MessageDigest.isEqual(token, auth.getBytes(StandardCharsets.US_ASCII))) {
            return json(response, callback, 401, Map.of("error", "the admin token of <state>/admin.json is required"));
        }
        String path = Request.getPathInContext(request);
        if ("GET".equals(request.getMethod()) && path.equals("/admin/status")) {
            return json(response, callback, 200, admin.status());
        }
        if (!"POST".equals(request.getMethod())) {
            return json(response, callback, 405, Map.of("error", "GET /admin/status, POST /admin/notices|rollback|sync"));
        }
        String type = String.valueOf(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
        if (!type.startsWith("application/json")) {
            return json(response, callback, 415, Map.of("error", "Content-Type must be application/json"));
        }
        if (request.getLength() > MAX_BODY) {
            return json(response, callback, 413, Map.of("error", "body larger than " + MAX_BODY + " bytes"));
        }
        Map<?, ?> body;
        try {
            body = (Map<?, ?>) JsonValues.parse(Content.Source.asString(request, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | ClassCastException e) {
            return json(response, callback, 400, Map.of("error", "body must be a JSON object: " + e.getMessage()));
        }
        switch (path) {
            case "/admin/notices" -> {
                try {
                    EmergencyNotice n = admin.notice(text(body, "site"), text(body, "title"), text(body, "body"));
                    return json(response, callback, 201, Map.of("id", n.id(), "site", n.site(), "path", "/" + n.path()));
                } catch (NoticeBoard.Refused e) {
                    return json(response, callback, 422, Map.of("error", e.getMessage()));
                }
            }
            case "/admin/rollback" -> {
                if (!(body.get("version") instanceof Long v)) {
                    return json(response, callback, 400, Map.of("error", "field 'version' must be a whole number"));
                }
                SyncOutcome o = admin.rollback(text(body, "site"), v);
                return json(response, callback, o.status() == SyncOutcome.Status.ACCEPTED ? 200 : 422, outcome(o));
            }
            case "/admin/sync" -> {
                List<Object> out = new ArrayList<>();
                admin.syncNow().forEach(o -> out.add(outcome(o)));
                return json(response, callback, 200, Map.of("outcomes", out));
            }
            default -> {
                return json(response, callback, 404, Map.of("error", "no such path: " + path));
            }
        }
    }

    static Map<String, Object> outcome(SyncOutcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("site", o.site());
        m.put("status", o.status().name());
        m.put("version", o.version());
        m.put("check", o.check());
        m.put("message", o.message());
        return m;
    }

    private static String text(Map<?, ?> body, String field) {
        return body.get(field) instanceof String s ? s : "";
    }

    private static boolean json(Response response, Callback callback, int status, Object body) {
        UnreadBody.beforeAnswer(response, status);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(JsonValues.canonical(body).getBytes(StandardCharsets.US_ASCII)), callback);
        return true;
    }
}
