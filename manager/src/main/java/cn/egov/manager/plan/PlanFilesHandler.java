package cn.egov.manager.plan;

import cn.egov.manager.web.Json;
import cn.egov.manager.web.Role;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code GET /api/plan} exports the plan in force; {@code POST /api/plan} imports one (NOC only). */
final class PlanFilesHandler implements Request.Handler {

    /** Largest import accepted: a province's plan is a few MB of text. */
    static final int MAX_BODY = 64 * 1024 * 1024;

    private final PlanStore store;

    PlanFilesHandler(PlanStore store) {
        this.store = store;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if ("POST".equals(request.getMethod())) {
            // the dispatcher stores the authenticated role under the Role class name
            if (request.getAttribute(Role.class.getName()) != Role.NOC) {
                return Json.error(response, callback, 403, "only the NOC may import a plan");
            }
            return importPlan(request, response, callback);
        }
        if (!"GET".equals(request.getMethod())) {
            return Json.error(response, callback, 405, "use GET to export or POST to import");
        }
        var current = store.current();
        if (current.isEmpty()) {
            return Json.error(response, callback, 404, "no plan has been imported");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("importedAt", current.get().importedAt());
        out.put("files", current.get().files());
        out.put("warnings", current.get().findings().stream().map(Object::toString).toList());
        return Json.write(response, callback, 200, out);
    }

    private boolean importPlan(Request request, Response response, Callback callback) throws Exception {
        long length = request.getLength();
        if (length > MAX_BODY) {
            return Json.error(response, callback, 413, "plan larger than " + MAX_BODY + " bytes");
        }
        String body = Content.Source.asString(request, StandardCharsets.UTF_8);
        JsonNode files;
        try {
            files = Json.MAPPER.readTree(body).get("files");
        } catch (Exception e) {
            return Json.error(response, callback, 400, "body must be JSON {\"files\": {\"name.plan\": \"text\"}}: " + e.getMessage());
        }
        if (files == null || !files.isObject() || files.isEmpty()) {
            return Json.error(response, callback, 400, "body must be JSON {\"files\": {\"name.plan\": \"text\"}} with at least one file");
        }
        Map<String, String> texts = new LinkedHashMap<>();
        var it = files.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().isTextual()) {
                return Json.error(response, callback, 400, "files." + e.getKey() + " must be a string");
            }
            texts.put(e.getKey(), e.getValue().asText());
        }
        PlanStore.ImportResult r = store.importFiles(texts, System.currentTimeMillis());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("accepted", r.accepted());
        out.put("errors", r.errors());
        out.put("findings", r.findings().stream().map(Object::toString).toList());
        return Json.write(response, callback, r.accepted() ? 200 : 422, out);
    }
}
