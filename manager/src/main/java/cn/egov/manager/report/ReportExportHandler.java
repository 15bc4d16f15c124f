package cn.egov.manager.report;

import cn.egov.api.text.LogSafe;
import cn.egov.manager.account.Role;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.evidence.Scope;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.WebAudit;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/report/pdf} and {@code /api/report/csv} (same parameters as the report): the
 * export as a download. Only auditors and administrators export; every export and every refused
 * attempt is written to the audit log (action {@code report.export}, the format, scope and period,
 * the evidence SHA-256) before a byte is sent: an export that cannot be audited is not made.
 */
final class ReportExportHandler implements Request.Handler {

    /** Roles that may export (auditor: read-only plus export). */
    static final Set<Role> EXPORTERS = Set.of(Role.AUDITOR, Role.ADMIN);
    static final String ACTION = "report.export";
    private static final Logger LOG = LoggerFactory.getLogger(ReportExportHandler.class);

    enum Format {
        PDF("application/pdf", ".pdf"), CSV("text/csv; charset=utf-8", ".csv");

        final String contentType;
        final String suffix;

        Format(String contentType, String suffix) {
            this.contentType = contentType;
            this.suffix = suffix;
        }
    }

    private final ReportService service;
    private final AuditLog audit;
    private final Format format;
    final LongAdder exported = new LongAdder();
    final LongAdder refused = new LongAdder();

    ReportExportHandler(ReportService service, AuditLog audit, Format format) {
        this.service = service;
        this.audit = audit;
        this.format = format;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Caller caller = Caller.of(request);
        String what = format.name().toLowerCase(java.util.Locale.ROOT);
        String query = request.getHttpURI().getQuery();
        String target = what + " " + (query == null ? "" : LogSafe.of(query));
        if (!EXPORTERS.contains(caller.role())) {
            refused.increment();
            audit.record(WebAudit.entry(request, ACTION, target, AuditEntry.Outcome.REFUSED, "role " + caller.role().label
                    + " may not export reports (auditors and administrators export)"));
            return Json.error(response, callback, 403, "role " + caller.role().label + " may not export reports; auditors and administrators do");
        }
        ReportQuery q;
        try {
            q = ReportQuery.of(request, caller, service.today(), service.maxDays(), service::knows);
        } catch (IllegalArgumentException e) {
            audit.record(WebAudit.entry(request, ACTION, target, AuditEntry.Outcome.REFUSED, e.getMessage()));
            return Json.error(response, callback, 400, e.getMessage());
        } catch (ReportQuery.NotVisible e) {
            audit.record(WebAudit.entry(request, ACTION, target, AuditEntry.Outcome.REFUSED, Scope.UNKNOWN));
            return Json.error(response, callback, 404, Scope.UNKNOWN);
        }
        target = what + " " + q.scope().code() + " " + q.period().from() + ".." + q.period().to();
        String problem = format == Format.PDF ? service.documents().pdfProblem() : null;
        if (problem != null) {
            audit.record(WebAudit.entry(request, ACTION, target, AuditEntry.Outcome.FAILED, problem));
            LOG.warn("report export refused: {}", problem);
            return Json.error(response, callback, 503, problem);
        }
        ExportedReport x = service.collect(q, caller);
        byte[] body = format == Format.PDF
                ? ReportPdf.render(x, service.documents().font(), service.documents().signer())
                : ReportCsv.render(x);
        audit.record(WebAudit.entry(request, ACTION, target, AuditEntry.Outcome.SUCCESS, "evidence SHA-256 " + x.digest().sha256() + ", "
                + x.report().units().size() + " unit(s), " + body.length + " bytes"));
        exported.increment();
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, format.contentType);
        response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\"" + x.fileStem() + format.suffix + "\"");
        response.getHeaders().put("X-Evidence-SHA256", x.digest().sha256());
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
