package cn.egov.manager.taskbook;

import cn.egov.api.text.LogSafe;
import cn.egov.manager.account.Role;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.evidence.Scope;
import cn.egov.manager.export.DocumentKit;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.WebAudit;
import java.nio.ByteBuffer;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/taskbook/csv} and {@code /api/taskbook/pdf} ({@code ?year=&scope=}): the task
 * book as a download, for auditors and administrators; every export and refusal is audited
 * ({@code taskbook.export}) before a byte is sent. The PDF is signed like the auditor's report.
 */
final class TaskbookExportHandler implements Request.Handler {

    static final Set<Role> EXPORTERS = Set.of(Role.AUDITOR, Role.ADMIN);
    static final String ACTION = "taskbook.export";

    private final TaskbookService service;
    private final AuditLog audit;
    private final boolean pdf;

    TaskbookExportHandler(TaskbookService service, AuditLog audit, boolean pdf) {
        this.service = service;
        this.audit = audit;
        this.pdf = pdf;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Caller caller = Caller.of(request);
        String format = pdf ? "pdf" : "csv";
        String query = request.getHttpURI().getQuery();
        String target = format + " " + (query == null ? "" : LogSafe.of(query));
        if (!EXPORTERS.contains(caller.role())) {
            audit.record(WebAudit.entry(request, ACTION, target, AuditEntry.Outcome.REFUSED, "role " + caller.role().label
                    + " may not export the task book (auditors and administrators export)"));
            return Json.error(response, callback, 403, "role " + caller.role().label + " may not export the task book; auditors and administrators do");
        }
        TaskbookQuery q;
        try {
            q = TaskbookQuery.of(Request.extractQueryParameters(request), caller, service.currentYear(), service::knows);
        } catch (IllegalArgumentException e) {
            audit.record(WebAudit.entry(request, ACTION, target, AuditEntry.Outcome.REFUSED, e.getMessage()));
            return Json.error(response, callback, 400, e.getMessage());
        } catch (TaskbookQuery.NotVisible e) {
            audit.record(WebAudit.entry(request, ACTION, target, AuditEntry.Outcome.REFUSED, Scope.UNKNOWN));
            return Json.error(response, callback, 404, Scope.UNKNOWN);
        }
        target = format + " " + q.year() + " " + q.scope().code();
        DocumentKit docs = service.documents();
        String problem = !pdf ? null : docs == null ? "the report part has not started" : docs.pdfProblem();
        if (problem != null) {
            audit.record(WebAudit.entry(request, ACTION, target, AuditEntry.Outcome.FAILED, problem));
            return Json.error(response, callback, 503, problem);
        }
        ExportedTaskbook x = service.collect(q, caller);
        byte[] body = pdf ? TaskbookPdf.render(x, docs.font(), docs.signer()) : TaskbookCsv.render(x);
        audit.record(WebAudit.entry(request, ACTION, target, AuditEntry.Outcome.SUCCESS, "evidence SHA-256 " + x.digest().sha256() + ", "
                + x.book().units().size() + " unit(s), " + body.length + " bytes"));
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, pdf ? "application/pdf" : "text/csv; charset=utf-8");
        response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\"" + x.fileStem() + (pdf ? ".pdf" : ".csv") + "\"");
        response.getHeaders().put("X-Evidence-SHA256", x.digest().sha256());
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
