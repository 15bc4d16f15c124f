package cn.egov.manager.duty;

import cn.egov.api.duty.DeadlineRules;
import cn.egov.api.duty.DutyInputException;
import cn.egov.api.duty.DutyReport;
import cn.egov.api.duty.DutyReportPayload;
import cn.egov.api.duty.DutyTopics;
import cn.egov.api.duty.ReportKind;
import cn.egov.api.duty.ReportSequence;
import cn.egov.api.duty.Roster;
import cn.egov.api.duty.RosterPayload;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.payload.PayloadFormatException;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.text.LogSafe;
import cn.egov.manager.store.AlarmStore;
import cn.egov.manager.store.ThrottledAlarms;
import cn.egov.rules.unit.UnitCode;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The province's duty office (省值班室): takes the boxes' reports in, refuses what is wrong,
 * tracks acknowledgement and escalates what nobody acknowledges.
 *
 * <p><b>Intake.</b> A report is accepted only when it decodes with every field in bounds, names the
 * unit of the box that sent it (the topic's client id, which the broker ties to the box's
 * certificate), and is the next report of its incident ({@link ReportSequence}, the rules the box
 * applies too). Anything else is refused: recorded in {@code duty_refusals} with the field and the
 * reason, alarmed ({@code duty.report.refused}, once per unit and field per {@code duty.refusal-alarm-interval-s}),
 * and nothing in the register changes. A 续报 that
 * arrives before the report it follows (a failed publish is sent again later) is kept with its
 * refusal and accepted once the missing one is in. A 初报 filed after its written deadline is
 * accepted and alarmed ({@code duty.report.late}).
 *
 * <p><b>Escalation.</b> An accepted report starts at step 0 of the {@link EscalationPolicy}; when a
 * step's wait passes without an acknowledgement it moves on and the NOC alarm
 * {@code duty.report.unacknowledged} is raised (MAJOR, CRITICAL from the last step on), repeated
 * after the last step as configured. An acknowledgement stops it and clears the alarm.
 *
 * <p>Every change of a report's state re-sends that unit's receipts to its box ({@link ReceiptSender}).
 */
public final class DutyOffice {

    private static final Logger LOG = LoggerFactory.getLogger(DutyOffice.class);
    /** Reports escalated per check at most (the rest next time: the oldest due go first). */
    private static final int ESCALATE_BATCH = 200;
    /** Longest acknowledgement note. */
    static final int MAX_NOTE = 500;
    /** Distinct refusal alarms (unit and field) waiting for the next check at most; more are counted and alarmed as dropped. */
    private static final int MAX_PENDING_REFUSAL_ALARMS = 1000;

    private final DutyOfficeStore store;
    private final DutyOfficeSettings settings;
    private final AlarmStore alarms;
    private final ReceiptSender receipts;
    private final ThrottledAlarms refusalAlarms;
    private final Clock clock;
    final LongAdder accepted = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder escalations = new LongAdder();

    DutyOffice(DutyOfficeStore store, DutyOfficeSettings settings, AlarmStore alarms, ReceiptSender receipts, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.alarms = alarms;
        this.receipts = receipts;
        this.refusalAlarms = new ThrottledAlarms(alarms, settings.refusalAlarmInterval().toMillis(), MAX_PENDING_REFUSAL_ALARMS);
        this.clock = clock;
    }

    DutyOfficeSettings settings() {
        return settings;
    }

    DutyOfficeStore store() {
        return store;
    }

    // ---- intake

    /** What became of a report message. */
    public enum Intake { ACCEPTED, REFUSED, ALREADY_IN }

    /** A report message from box {@code sender} as ingest stored it. */
    public synchronized Intake report(UnitCode sender, MessageId id, KuraPayload payload, Instant received) throws SQLException {
        DutyReport r;
        try {
            r = DutyReportPayload.decode(payload);
        } catch (DutyInputException e) {
            refuse(sender, id, received, null, e.field(), e.getMessage(), payload, false, String.valueOf(payload.metric(DutyReportPayload.ID)));
            return Intake.REFUSED;
        }
        if (!r.unit().equals(sender)) {
            refuse(sender, id, received, r, "unit", "forged sender: report " + r.id() + " names unit " + r.unit()
                    + " but came from the box of " + sender, payload, false, r.id());
            return Intake.REFUSED;
        }
        Optional<OfficeReport> same = store.report(r.id());
        if (same.isPresent()) {
            if (!same.get().report().equals(r)) {
                refuse(sender, id, received, r, "id", "identifier " + r.id() + " is already used by another report", payload, false, r.id());
                return Intake.REFUSED;
            }
            return Intake.ALREADY_IN; // the same report again (the box queued it twice around a crash): nothing to do
        }
        List<DutyReport> earlier = store.incident(r.incident()).stream().map(OfficeReport::report).toList();
        try {
            ReportSequence.check(earlier, r);
        } catch (DutyInputException e) {
            int next = earlier.stream().mapToInt(DutyReport::number).max().orElse(-1) + 1;
            boolean overtook = r.number() > next && earlier.stream().noneMatch(x -> x.kind().closes());
            refuse(sender, id, received, r, e.field(), e.getMessage(), payload, overtook, r.id());
            return Intake.REFUSED;
        }
        accept(r, id, received);
        retryParked(r.incident());
        return Intake.ACCEPTED;
    }

    private void accept(DutyReport r, MessageId id, Instant received) throws SQLException {
        DeadlineRules.Due due = settings.deadlines().dueAt(r.level(), r.occurredAt());
        boolean late = r.kind() == ReportKind.INITIAL && r.filedAt().isAfter(due.written());
        if (!store.insert(r, id, received, late, settings.escalation().dueAfter(0, received))) {
            return;
        }
        accepted.increment();
        LOG.info("duty: {} {} of {} accepted ({}, {}{})", r.label(), r.id(), r.unit(), r.level().chinese(), r.status().cap(),
                late ? ", filed late" : "");
        if (late) {
            raise(DutyTopics.LATE, Alarm.Severity.MINOR, r, "the 初报 " + r.id() + " of " + r.unit() + " was filed at " + r.filedAt()
                    + ", after its written deadline " + due.written(), Map.of("due_at", due.written().toString()));
        }
        receipts.changed(r.unit());
    }

    /** Reports kept because they overtook the one they follow: those that now fit are accepted. */
    private void retryParked(String incident) throws SQLException {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (DutyOfficeStore.Refusal p : store.parked(incident)) {
                DutyReport r;
                try {
                    r = DutyReportPayload.decode(KuraPayloadCodec.decode(p.payload()));
                } catch (DutyInputException | PayloadFormatException e) {
                    continue;
                }
                Optional<OfficeReport> same = store.report(r.id());
                if (same.isPresent() && same.get().report().equals(r)) {
                    store.resolve(p); // a second copy of one already taken in (queued twice around a crash)
                    continue;
                }
                try {
                    ReportSequence.check(store.incident(incident).stream().map(OfficeReport::report).toList(), r);
                } catch (DutyInputException e) {
                    continue;
                }
                accept(r, p.messageId(), p.receivedAt());
                store.resolve(p);
                LOG.info("duty: {} {} of {} accepted now that the report before it is in", r.label(), r.id(), r.unit());
                progress = true;
            }
        }
    }

    /** A roster message from box {@code sender}: kept when it is the unit's newest. */
    public synchronized void roster(UnitCode sender, MessageId id, KuraPayload payload, Instant received) throws SQLException {
        Roster r;
        try {
            r = RosterPayload.decode(payload);
        } catch (DutyInputException e) {
            refuse(sender, id, received, null, "roster." + e.field(), "roster: " + e.getMessage(), null, false, "");
            return;
        }
        if (!r.unit().equals(sender)) {
            refuse(sender, id, received, null, "roster.unit", "forged sender: a roster of unit " + r.unit() + " came from the box of "
                    + sender, null, false, "");
            return;
        }
        if (store.putRoster(r, received)) {
            LOG.info("duty: roster version {} of {} ({} shifts)", r.version(), r.unit(), r.shifts().size());
        }
    }

    private void refuse(UnitCode sender, MessageId id, Instant received, DutyReport r, String field, String reason, KuraPayload payload,
                        boolean keep, String reportId) throws SQLException {
        refused.increment();
        store.refuse(new DutyOfficeStore.Refusal(sender.toString(), id, received, r == null ? cut(reportId) : r.id(),
                r == null ? null : r.incident(), r == null ? null : r.number(), field, reason,
                keep ? KuraPayloadCodec.encode(payload) : null, false));
        String what = field.startsWith("roster.") ? "roster" : "report";
        LOG.warn("duty: {} message from {} refused ({}): {}", what, sender, field, LogSafe.of(reason));
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("unit", sender.toString());
        evidence.put("field", field);
        evidence.put("report", r == null ? cut(reportId) : r.id());
        evidence.put("reason", reason);
        // every refusal is in duty_refusals; the alarm once per unit and field per interval (a box sending garbage in a loop)
        refusalAlarms.note(sender + "/" + field, new Alarm(DutyTopics.REFUSED, Alarm.Severity.MAJOR, "duty",
                "a duty " + what + " from " + sender + " was refused: " + reason, evidence, clock.millis()));
    }

    /** Stores the refusal alarms noted since the last call (the office's periodic check); returns how many. */
    public int flushRefusalAlarms() {
        return refusalAlarms.flush(clock.millis()).size();
    }

    /** Refusal alarms left out because their unit and field was alarmed within the interval, since start. */
    long refusalAlarmsSuppressed() {
        return refusalAlarms.suppressed();
    }

    private static String cut(String s) {
        return s == null ? "" : s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }

    // ---- acknowledgement and escalation

    /** The outcome of an acknowledgement. */
    public enum AckResult { ACKNOWLEDGED, ALREADY, UNKNOWN }

    /** A duty officer acknowledges (签收) a report: its escalation stops, an escalation alarm is cleared. */
    public synchronized AckResult acknowledge(String id, String by, String note) throws SQLException {
        Optional<OfficeReport> r = store.report(id);
        if (r.isEmpty()) {
            return AckResult.UNKNOWN;
        }
        Instant now = clock.instant();
        if (!store.acknowledge(id, by, note == null ? "" : note, now)) {
            return AckResult.ALREADY;
        }
        OfficeReport o = r.get();
        LOG.info("duty: {} acknowledged {} of {}", LogSafe.of(by), id, o.report().unit());
        if (o.alarms() > 0) {
            raise(DutyTopics.UNACKNOWLEDGED, Alarm.Severity.CLEARED, o.report(), "report " + id + " of " + o.report().unit()
                    + " was acknowledged by " + by, Map.of("acknowledged_by", by));
        }
        receipts.changed(o.report().unit());
        return AckResult.ACKNOWLEDGED;
    }

    /** Moves every report whose wait has passed one step along the chain; returns how many. */
    public synchronized int escalateDue() throws SQLException {
        Instant now = clock.instant();
        EscalationPolicy chain = settings.escalation();
        int n = 0;
        for (OfficeReport o : store.dueForEscalation(now, ESCALATE_BATCH)) {
            int alarmsSoFar = o.alarms() + 1;
            int step = chain.isLast(o.step()) ? o.step() : o.step() + 1;
            // the alarm on reaching the last step (or the first, for a chain of one) is the main one;
            // then it repeats 'repeats' more times, each after the last step's wait, and the chain is spent
            int again = alarmsSoFar - Math.max(chain.steps().size() - 1, 1);
            Instant next = chain.isLast(step) && again >= chain.repeats() ? null : chain.dueAfter(step, now);
            if (!store.escalate(o.report().id(), step, next, alarmsSoFar)) {
                continue; // acknowledged meanwhile
            }
            n++;
            escalations.increment();
            String to = chain.step(step).name();
            String waited = waited(java.time.Duration.between(o.receivedAt(), now));
            raise(DutyTopics.UNACKNOWLEDGED, chain.isLast(step) ? Alarm.Severity.CRITICAL : Alarm.Severity.MAJOR, o.report(),
                    o.report().level().chinese() + " " + o.report().label() + " " + o.report().id() + " of " + o.report().unit()
                            + " not acknowledged for " + waited + ": with " + to + (again > 0 ? " (again, " + again + ")" : ""),
                    Map.of("step", Integer.toString(step), "escalated_to", to, "alarm", Integer.toString(alarmsSoFar),
                            "received_at", o.receivedAt().toString()));
            LOG.warn("duty: {} of {} unacknowledged, step {} ({})", o.report().id(), o.report().unit(), step, to);
            receipts.changed(o.report().unit());
        }
        return n;
    }

    /** How long a report has waited, as the alarm says it: minutes, or seconds under one (lab chains of seconds read "0 min"). */
    static String waited(java.time.Duration d) {
        long s = d.toSeconds();
        return s < 60 ? s + " s" : s / 60 + " min";
    }

    private void raise(String kind, Alarm.Severity severity, DutyReport r, String message, Map<String, String> extra) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("unit", r.unit().toString());
        evidence.put("report", r.id());
        evidence.put("incident", r.incident());
        evidence.put("kind", r.kind().chinese());
        evidence.put("number", Integer.toString(r.number()));
        evidence.put("level", r.level().chinese());
        evidence.put("status", r.status().cap());
        evidence.put("title", r.title());
        evidence.putAll(extra);
        alarm(new Alarm(kind, severity, "duty", message, evidence, clock.millis()));
    }

    private void alarm(Alarm a) {
        try {
            alarms.raise(a);
        } catch (SQLException e) {
            LOG.error("duty: alarm {} could not be stored: {}", a.kind(), e.toString());
        }
    }
}
