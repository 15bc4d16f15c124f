package cn.egov.duty.console;

import cn.egov.api.duty.DeadlineRules;
import cn.egov.api.duty.ReportReceipt;
import cn.egov.api.duty.Shift;
import cn.egov.api.time.BeijingTime;
import cn.egov.duty.DutyDesk;
import cn.egov.duty.FiledReport;
import cn.egov.duty.Incident;
import cn.egov.duty.SwapRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/** What the duty pages show, made from the desk's records; times in the province's zone (Beijing). */
final class DutyViews {

    private static final int EVENTS_SHOWN = 100;

    private final DutyDesk desk;
    private final Clock clock;

    DutyViews(DutyDesk desk, Clock clock) {
        this.desk = desk;
        this.clock = clock;
    }

    List<EventRow> events() {
        Instant now = clock.instant();
        return desk.incidents(false, EVENTS_SHOWN).stream().map(i -> event(i, now)).toList();
    }

    EventRow event(Incident i, Instant now) {
        DeadlineRules.Due due = i.due(desk.settings().deadlines());
        Duration warn = desk.settings().warnBefore();
        String phone;
        String phoneClass;
        if (i.phoneReportedAt() != null) {
            phone = "已报 done " + time(i.phoneReportedAt());
            phoneClass = due.phone() != null && i.phoneReportedAt().isAfter(due.phone()) ? "warn" : "ok";
        } else if (due.phone() == null) {
            phone = "不需要 not required";
            phoneClass = "";
        } else {
            phone = "时限 due " + time(due.phone());
            phoneClass = state(now, due.phone(), warn);
        }
        String written;
        String writtenClass;
        List<FiledReport> reports = desk.reports(i.key());
        if (i.initialFiled()) {
            Instant filed = reports.get(0).report().filedAt();
            written = "已报 filed " + time(filed);
            writtenClass = filed.isAfter(due.written()) ? "warn" : "ok";
        } else {
            written = "时限 due " + time(due.written());
            writtenClass = state(now, due.written(), warn);
        }
        return new EventRow(i.key(), i.title(), i.level().chinese(), i.status().chinese(), i.category().chinese(), time(i.occurredAt()),
                phone, phoneClass, due.phone() != null, written, writtenClass, reports.size(), i.closed(), i.incidentId() == null ? "" : i.incidentId());
    }

    /** Overdue: bad; within the warning time: warn. */
    private static String state(Instant now, Instant due, Duration warn) {
        return !now.isBefore(due) ? "bad" : !now.isBefore(due.minus(warn)) ? "warn" : "";
    }

    List<ReportRow> reports(long key) {
        return desk.reports(key).stream().map(DutyViews::report).toList();
    }

    static ReportRow report(FiledReport f) {
        ReportReceipt r = f.receipt();
        String delivery;
        String cls;
        if (r == null) {
            delivery = f.queued() ? "已排队 queued for the province" : "未排队 not queued yet";
            cls = "";
        } else if (r.acknowledged()) {
            delivery = "已签收 acknowledged by " + r.acknowledgedBy() + " " + time(r.acknowledgedAt());
            cls = "ok";
        } else if (r.escalationStep() > 0) {
            delivery = "已送达, 未签收, 已升级 → " + r.escalatedTo() + " (escalated)";
            cls = "warn";
        } else {
            delivery = "已送达 delivered " + time(r.receivedAt()) + " → " + r.escalatedTo();
            cls = "";
        }
        return new ReportRow(f.report().id(), f.report().label(), f.report().level().chinese(), time(f.report().filedAt()), f.filedBy(),
                delivery, cls);
    }

    List<ShiftRow> shifts(Instant from, Instant to) {
        Instant now = clock.instant();
        return desk.shifts(from, to).stream().map(s -> shift(s, now)).toList();
    }

    private static ShiftRow shift(Shift s, Instant now) {
        return new ShiftRow(s.id(), time(s.start()), time(s.end()), s.role().chinese(), s.person(), s.phone(), s.covers(now));
    }

    /**
     * The shifts a form offers: those under way or still to come within the roster sent to the
     * province ({@code roster.days}), labelled in Beijing time; a shift that is over cannot be swapped.
     */
    List<ShiftChoice> shiftChoices() {
        Instant now = clock.instant();
        return desk.shifts(now, now.plus(Duration.ofDays(desk.settings().rosterDays()))).stream()
                .map(s -> new ShiftChoice(s.id(), s.id() + " · " + BeijingTime.toMinute(s.start()) + " – " + BeijingTime.toMinute(s.end())
                        + " 北京时间 · " + s.role().chinese() + " " + s.person()))
                .toList();
    }

    List<SwapRow> swaps() {
        return desk.swaps(false, 50).stream().map(s -> new SwapRow(s.id(), s.shiftId(), s.toPerson(), s.reason(), s.requestedBy(),
                switch (s.state()) {
                    case PENDING -> "待批准 pending";
                    case APPROVED -> "已批准 approved by " + s.decidedBy();
                    case REFUSED -> "未批准 refused by " + s.decidedBy();
                }, s.state() == SwapRequest.State.PENDING)).toList();
    }

    String nowField() {
        return BeijingTime.field(clock.instant());
    }

    static String time(Instant t) {
        return t == null ? "—" : BeijingTime.withoutYear(t);
    }

    /** A datetime-local field's value (Beijing time), or null when empty. */
    static Instant field(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return BeijingTime.parseField(value);
        } catch (DateTimeParseException e) {
            throw new cn.egov.api.duty.DutyInputException(name, name + " '" + value.strip() + "' is not a time like 2026-07-01T09:20");
        }
    }
}
