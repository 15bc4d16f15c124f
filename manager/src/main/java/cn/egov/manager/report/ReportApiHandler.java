package cn.egov.manager.report;

import cn.egov.manager.evidence.Scope;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/report?scope=&from=&to=}: the report as JSON, {@code {"collectedAt", "evidenceSha256",
 * "report"}}; the hash is that of {@code report} written canonically (what the PDF attaches).
 */
final class ReportApiHandler implements Request.Handler {

    private final ReportService service;

    ReportApiHandler(ReportService service) {
        this.service = service;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Caller caller = Caller.of(request);
        ReportQuery q;
        try {
            q = ReportQuery.of(request, caller, service.today(), service.maxDays(), service::knows);
        } catch (IllegalArgumentException e) {
            return Json.error(response, callback, 400, e.getMessage());
        } catch (ReportQuery.NotVisible e) {
            return Json.error(response, callback, 404, Scope.UNKNOWN);
        }
        ExportedReport x = service.collect(q, caller);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("collectedAt", x.collectedAt());
        out.put("evidenceSha256", x.digest().sha256());
        out.put("report", x.report());
        return Json.write(response, callback, 200, out);
    }
}
