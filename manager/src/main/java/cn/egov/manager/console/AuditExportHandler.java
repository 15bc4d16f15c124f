package cn.egov.manager.console;

import cn.egov.api.text.LogSafe;
import cn.egov.api.time.BeijingTime;
import cn.egov.manager.account.Role;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.audit.AuditPage;
import cn.egov.manager.audit.AuditQuery;
import cn.egov.manager.export.CsvTable;
import cn.egov.manager.export.EvidenceDigest;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.WebAudit;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.function.IntSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/audit/csv?from=&to=&actor=&action=}: the audit log of a period as a CSV file for
 * the inspector (UTF-8 with BOM, {@link CsvTable}), every entry of it, newest first. As the
 * report's exports: auditors and administrators only, and every export and refused attempt is itself
 * audited ({@code audit.export}: the filters, how many entries, the file's SHA-256) before a byte
 * is sent.
 */
final class AuditExportHandler implements Request.Handler {

    /** Roles that may export, as the report's. */
    static final Set<Role> EXPORTERS = Set.of(Role.AUDITOR, Role.ADMIN);
    static final String ACTION = "audit.export";

    private final AuditLog audit;
    private final Clock clock;
    private final IntSupplier maxDays;

    AuditExportHandler(AuditLog audit, Clock clock, IntSupplier maxDays) {
        this.audit = audit;
        this.clock = clock;
        this.maxDays = maxDays;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Caller caller = Caller.of(request);
        String query = request.getHttpURI().getQuery();
        String target = "csv " + (query == null ? "" : LogSafe.of(query));
        if (!EXPORTERS.contains(caller.role())) {
            audit.record(WebAudit.entry(request, ACTION, target, AuditEntry.Outcome.REFUSED, "role " + caller.role().label
                    + " may not export the audit log (auditors and administrators export)"));
            return Json.error(response, callback, 403, "role " + caller.role().label + " may not export the audit log; auditors and administrators do");
        }
        AuditFilter f;
        try {
            f = AuditFilter.of(Request.extractQueryParameters(request), clock, maxDays.getAsInt(), true);
        } catch (IllegalArgumentException e) {
            audit.record(WebAudit.entry(request, ACTION, target, AuditEntry.Outcome.REFUSED, e.getMessage()));
            return Json.error(response, callback, 400, e.getMessage());
        }
        CsvTable csv = new CsvTable().row("时间 Time (北京时间)", "用户 Actor", "角色 Role", "操作 Action", "对象 Target", "结果 Outcome",
                "说明 Detail", "来源 Source");
        int rows = 0;
        AuditQuery q = new AuditFilter(f.period(), f.actor(), f.action(), Long.MAX_VALUE, AuditFilter.MAX_LIMIT).query();
        for (AuditPage page = audit.find(q); ; page = audit.find(q.before(page.next()))) {
            for (AuditEntry e : page.entries()) {
                csv.row(BeijingTime.of(Instant.ofEpochMilli(e.time())), e.actor(), e.role(), e.action(), e.target(), e.outcome().name(),
                        e.detail(), e.source());
                rows++;
            }
            if (page.next() == null) {
                break;
            }
        }
        byte[] body = csv.bytes();
        String sha256 = EvidenceDigest.sha256(body);
        audit.record(WebAudit.entry(request, ACTION, "csv " + f.label(), AuditEntry.Outcome.SUCCESS,
                rows + " entries, " + body.length + " bytes, SHA-256 " + sha256));
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/csv; charset=utf-8");
        response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\"audit-log-" + f.period().from() + "-"
                + f.period().to() + ".csv\"");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
