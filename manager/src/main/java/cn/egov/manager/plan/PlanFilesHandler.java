package cn.egov.manager.plan;

import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.JsonBodies;
import cn.egov.manager.web.WebAudit;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/plan} exports the plan in force; {@code POST /api/plan} imports one (NOC only):
 * {@code {"files": {"name.plan": "text"}, "confirmDrop": false}}. Answers 200 when in force; 400 for a
 * malformed body or file name; 422 with the findings for an invalid or empty plan; 409 when it
 * would drop more than the allowed share of allocations and {@code confirmDrop} is not true.
 * Every attempt goes to the audit log.
 */
final class PlanFilesHandler implements Request.Handler {

    /** Largest import read: a province's plan is a few hundred KB of text; this leaves ample room. */
    static final long MAX_BODY = 16L * 1024 * 1024;
    private static final String USAGE = "body must be JSON {\"files\": {\"NAME.plan\": \"text\", ...}, \"confirmDrop\": false}";

    private final PlanStore store;
    private final AuditLog audit;

    PlanFilesHandler(PlanStore store, AuditLog audit) {
        this.store = store;
        this.audit = audit;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if ("POST".equals(request.getMethod())) {
            return importPlan(request, response, callback);
        }
        var current = store.current();
        if (current.isEmpty()) {
            return Json.error(response, callback, 404, "no plan has been imported");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", current.get().version());
        out.put("importedAt", current.get().importedAt());
        out.put("importedBy", current.get().importedBy());
        out.put("files", current.get().files());
        out.put("warnings", current.get().findings().stream().map(Object::toString).toList());
        return Json.write(response, callback, 200, out);
    }

    private boolean importPlan(Request request, Response response, Callback callback) throws Exception {
        JsonNode body;
        try {
            body = JsonBodies.object(request);
        } catch (JsonBodies.BadBody e) {
            return refuse(request, response, callback, 400, e.getMessage() + "; " + USAGE);
        }
        JsonNode files = body.get("files");
        if (files == null || !files.isObject() || files.isEmpty()) {
            return refuse(request, response, callback, 400, USAGE + " with at least one file");
        }
        JsonNode confirm = body.path("confirmDrop");
        if (!confirm.isMissingNode() && !confirm.isBoolean()) {
            return refuse(request, response, callback, 400, "field 'confirmDrop' must be true or false");
        }
        Map<String, String> texts = new LinkedHashMap<>();
        var it = files.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().isTextual()) {
                return refuse(request, response, callback, 400, "each file must be a string of plan text");
            }
            texts.put(e.getKey(), e.getValue().asText());
        }
        PlanStore.ImportResult r = store.importFiles(texts, System.currentTimeMillis(), Caller.of(request).name(), confirm.asBoolean(false));
        audit.record(WebAudit.entry(request, "plan.import", "version " + r.version(),
                r.accepted() ? AuditEntry.Outcome.SUCCESS : AuditEntry.Outcome.REFUSED, r.message()));
        return Json.write(response, callback, status(r), PlanJson.result(r));
    }

    static int status(PlanStore.ImportResult r) {
        return switch (r.refusal()) {
            case NONE -> 200;
            case BAD_NAME -> 400;
            case DROP_NOT_CONFIRMED -> 409;
            case INVALID, EMPTY, NO_EARLIER_VERSION -> 422;
        };
    }

    private boolean refuse(Request request, Response response, Callback callback, int status, String message) throws Exception {
        audit.record(WebAudit.entry(request, "plan.import", "", AuditEntry.Outcome.REFUSED, message));
        return Json.error(response, callback, status, message);
    }
}
