package cn.egov.manager.duty;

import cn.egov.api.duty.DeadlineRules;
import cn.egov.api.duty.DutyReport;
import java.time.Instant;

/**
 * A report as the REST API shows it (Jackson writes the record's components; times are ISO-8601 UTC).
 *
 * @param escalatedTo the escalation step holding the report now
 * @param writtenDue  when the written 初报 of its event was due
 * @param phoneDue    when the phone report was due, or null for levels without one
 * @param cap         where its CAP 1.2 document is
 */
public record ReportView(String id, String unit, String incident, String kind, String label, int number, String level, String levelName,
                         String status, String category, String title, String occurredAt, String filedAt, String receivedAt,
                         String phoneReportedAt, String writtenDue, String phoneDue, boolean late, String location, String description,
                         String measures, int deaths, int injured, int missing, String reporter, String phone, boolean acknowledged,
                         String acknowledgedAt, String acknowledgedBy, String note, int step, String escalatedTo, boolean escalated,
                         int alarms, String nextEscalationAt, String cap) {

    static ReportView of(OfficeReport o, DutyOfficeSettings settings) {
        DutyReport r = o.report();
        DeadlineRules.Due due = settings.deadlines().dueAt(r.level(), r.occurredAt());
        return new ReportView(r.id(), r.unit().toString(), r.incident(), r.kind().name(), r.label(), r.number(), r.level().name(),
                r.level().chinese(), r.status().cap(), r.category().chinese(), r.title(), iso(r.occurredAt()), iso(r.filedAt()),
                iso(o.receivedAt()), iso(r.phoneReportedAt()), iso(due.written()), iso(due.phone()), o.late(), r.location(),
                r.description(), r.measures(), r.casualties().deaths(), r.casualties().injured(), r.casualties().missing(), r.reporter(),
                r.phone(), o.acknowledged(), iso(o.acknowledgedAt()), o.acknowledgedBy(), o.note(), o.step(),
                settings.escalation().step(o.step()).name(), o.escalated(), o.alarms(), iso(o.nextEscalationAt()),
                DutyPart.REPORTS + "/" + r.id() + "/cap");
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }
}
