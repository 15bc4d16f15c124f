package cn.egov.manager.taskbook;

import cn.egov.manager.evidence.Scope;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code GET /api/taskbook?year=&scope=}: progress per city and in total, and every unit's tasks. */
final class TaskbookApiHandler implements Request.Handler {

    private final TaskbookService service;

    TaskbookApiHandler(TaskbookService service) {
        this.service = service;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        TaskbookQuery q;
        try {
            q = TaskbookQuery.of(Request.extractQueryParameters(request), Caller.of(request), service.currentYear(), service::knows);
        } catch (IllegalArgumentException e) {
            return Json.error(response, callback, 400, e.getMessage());
        } catch (TaskbookQuery.NotVisible e) {
            return Json.error(response, callback, 404, Scope.UNKNOWN);
        }
        ExportedTaskbook x = service.collect(q, Caller.of(request));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("year", x.book().year());
        out.put("scope", x.book().scope());
        out.put("collectedAt", x.collectedAt());
        out.put("evidenceSha256", x.digest().sha256());
        out.put("total", x.book().total(x.scopeName()));
        out.put("cities", x.book().perCity());
        out.put("units", x.book().units());
        return Json.write(response, callback, 200, out);
    }
}
