package cn.egov.manager.duty;

import cn.egov.api.duty.CapIdentifier;
import cn.egov.api.duty.CapWriter;
import cn.egov.api.duty.DutyReport;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.QueryFilters;
import cn.egov.manager.web.JsonBodies;
import cn.egov.manager.web.WebAudit;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The duty office's reports:
 * <ul>
 *   <li>{@code GET /api/duty/reports[?unit=|county=|city=&state=unacknowledged&limit=]}: unacknowledged first
 *       (longest waiting on top), then the newest acknowledged;</li>
 *   <li>{@code GET /api/duty/reports/{id}}: one report and the reports of its incident;</li>
 *   <li>{@code GET /api/duty/reports/{id}/cap}: the report as an OASIS CAP 1.2 alert ({@code application/xml});</li>
 *   <li>{@code POST /api/duty/reports/{id}/ack} {@code {"note": "..."}}: a duty officer acknowledges it (签收);
 *       409 when it was already, 404 when there is no such report. Audited.</li>
 * </ul>
 */
final class ReportsHandler implements Request.Handler {

    /** Most reports in one list. */
    static final int MAX_LIMIT = 500;
    /** Largest acknowledgement body. */
    static final long MAX_BODY = 4096;

    private final DutyOffice office;
    private final FleetRegistry fleet;
    private final AuditLog audit;

    ReportsHandler(DutyOffice office, FleetRegistry fleet, AuditLog audit) {
        this.office = office;
        this.fleet = fleet;
        this.audit = audit;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (path.equals(DutyPart.REPORTS) || path.equals(DutyPart.REPORTS + "/")) {
            return "POST".equals(request.getMethod()) ? Json.error(response, callback, 404, "POST to " + DutyPart.REPORTS
                    + "/{id}/ack to acknowledge a report") : list(request, response, callback);
        }
        String[] rest = path.substring(DutyPart.REPORTS.length() + 1).split("/", -1);
        String id = rest[0];
        if (!CapIdentifier.isValid(id)) {
            return Json.error(response, callback, 404, "no such report: a report id has the form ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N");
        }
        Optional<OfficeReport> report = office.store().report(id);
        if (report.isEmpty()) {
            return Json.error(response, callback, 404, "no such report: " + id);
        }
        if (rest.length == 2 && rest[1].equals("ack") && "POST".equals(request.getMethod())) {
            return acknowledge(request, response, callback, report.get());
        }
        if ("POST".equals(request.getMethod())) {
            return Json.error(response, callback, 404, "POST to " + DutyPart.REPORTS + "/" + id + "/ack to acknowledge this report");
        }
        if (rest.length == 1) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("report", ReportView.of(report.get(), office.settings()));
            out.put("incident", office.store().incident(report.get().report().incident()).stream()
                    .map(o -> ReportView.of(o, office.settings())).toList());
            return Json.write(response, callback, 200, out);
        }
        if (rest.length == 2 && rest[1].equals("cap")) {
            DutyReport r = report.get().report();
            List<DutyReport> incident = office.store().incident(r.incident()).stream().map(OfficeReport::report).toList();
            String name = fleet.get(r.unit().toString()).map(b -> b.displayName()).orElse(r.unit().toString());
            byte[] xml = CapWriter.write(r, incident, name);
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/xml; charset=utf-8");
            response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\"" + r.id() + ".xml\"");
            response.write(true, ByteBuffer.wrap(xml), callback);
            return true;
        }
        return Json.error(response, callback, 404, "no such path: " + path);
    }

    private boolean list(Request request, Response response, Callback callback) throws Exception {
        Fields q = Request.extractQueryParameters(request);
        String prefix;
        int limit;
        try {
            prefix = DutyFilters.unitPrefix(q);
            limit = DutyFilters.limit(q, MAX_LIMIT);
        } catch (IllegalArgumentException e) {
            return Json.error(response, callback, 400, e.getMessage());
        }
        String state = q.getValue("state");
        if (state != null && !state.equals("unacknowledged") && !state.equals("all")) {
            return Json.error(response, callback, 400, QueryFilters.bad("state", "'unacknowledged' or 'all'", state).getMessage());
        }
        List<ReportView> reports = office.store().list(prefix, "unacknowledged".equals(state), limit).stream()
                .map(o -> ReportView.of(o, office.settings())).toList();
        return Json.write(response, callback, 200, Map.of("reports", reports));
    }

    private boolean acknowledge(Request request, Response response, Callback callback, OfficeReport report) throws Exception {
        Caller caller = Caller.of(request);
        String note;
        try {
            JsonNode body = JsonBodies.object(request);
            JsonNode n = body.get("note");
            note = n == null || n.isNull() ? "" : n.isTextual() ? n.asText().strip() : null;
            if (note == null) {
                return Json.error(response, callback, 400, "note must be text");
            }
            if (note.codePointCount(0, note.length()) > DutyOffice.MAX_NOTE || note.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n')) {
                return Json.error(response, callback, 400, "note must be at most " + DutyOffice.MAX_NOTE + " characters without control characters");
            }
        } catch (JsonBodies.BadBody e) {
            return Json.error(response, callback, 400, e.getMessage());
        }
        String id = report.report().id();
        DutyOffice.AckResult result = office.acknowledge(id, caller.name(), note);
        if (result == DutyOffice.AckResult.ALREADY) {
            OfficeReport now = office.store().report(id).orElseThrow();
            audit.record(WebAudit.entry(request, "duty.acknowledge", id, AuditEntry.Outcome.REFUSED,
                    "already acknowledged by " + now.acknowledgedBy()));
            return Json.error(response, callback, 409, "report " + id + " was already acknowledged by " + now.acknowledgedBy() + " at "
                    + now.acknowledgedAt());
        }
        audit.record(WebAudit.entry(request, "duty.acknowledge", id, AuditEntry.Outcome.SUCCESS,
                report.report().unit() + " " + report.report().label() + (note.isEmpty() ? "" : ": " + note)));
        return Json.write(response, callback, 200, Map.of("report", ReportView.of(office.store().report(id).orElseThrow(), office.settings())));
    }
}
