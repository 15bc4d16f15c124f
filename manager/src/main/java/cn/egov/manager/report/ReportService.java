package cn.egov.manager.report;

import cn.egov.manager.evidence.Scope;
import cn.egov.manager.export.DocumentKit;
import cn.egov.manager.web.Caller;
import java.sql.SQLException;
import java.time.Clock;

/** Builds reports for callers: the units they may see, the time the store was read. */
final class ReportService {

    private final ReportBuilder builder;
    private final DocumentKit documents;
    private final Clock clock;
    private final int maxDays;

    ReportService(ReportBuilder builder, DocumentKit documents, Clock clock, int maxDays) {
        this.builder = builder;
        this.documents = documents;
        this.clock = clock;
        this.maxDays = maxDays;
    }

    ExportedReport collect(ReportQuery q, Caller caller) throws SQLException {
        long now = clock.millis();
        AuditReport report = builder.build(q.scope(), caller::sees, q.period());
        return ExportedReport.of(report, now, caller.name() + " (" + caller.role().label + ")");
    }

    /** Whether {@code scope} exists; a report on a scope that does not is refused, not signed empty. */
    boolean knows(Scope scope) {
        return builder.knows(scope);
    }

    DocumentKit documents() {
        return documents;
    }

    java.time.LocalDate today() {
        return java.time.LocalDate.now(clock.withZone(cn.egov.api.time.BeijingTime.ZONE));
    }

    int maxDays() {
        return maxDays;
    }
}
