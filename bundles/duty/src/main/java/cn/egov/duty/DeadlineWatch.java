package cn.egov.duty;

import cn.egov.api.duty.DeadlineRules;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.TelemetryPublisher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The box's own deadline clock: for every open event whose phone report or written 初报 is still
 * missing, it raises {@code duty.deadline.approaching} (MAJOR) {@code warn.before.min} before the
 * deadline and {@code duty.deadline.missed} (CRITICAL) when it passes. Alarms go through the
 * telemetry outbox, so they are raised and queued while the backbone is down and reach the manager
 * when it returns; each is raised once per event (remembered in the store across restarts). When
 * the report comes in after a warning, the warning is followed by a CLEARED alarm.
 *
 * <p>Runs on the desk's timer every {@code check.period.s}; it also queues reports a crash left
 * out of the outbox.
 */
public final class DeadlineWatch implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DeadlineWatch.class);
    /** Open events looked at per check (far more than a unit ever has open). */
    private static final int OPEN_LIMIT = 1000;
    /** Bits above the four alarms record that a CLEARED was sent for a warning. */
    private static final int CLEARED_SHIFT = DeadlineAlarm.values().length;

    private final DutyDesk desk;
    private final TelemetryPublisher telemetry;
    private final Clock clock;
    /** Alarms (not CLEARED) raised by the check under way. */
    private int raisedNow;

    public DeadlineWatch(DutyDesk desk, TelemetryPublisher telemetry, Clock clock) {
        this.desk = desk;
        this.telemetry = telemetry;
        this.clock = clock;
    }

    @Override
    public void run() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.error("duty: deadline check failed: {}", e.toString());
        }
    }

    /** One check; returns how many alarms (not counting CLEARED) it raised. */
    public synchronized int check() {
        desk.requeue();
        Instant now = clock.instant();
        DeadlineRules rules = desk.settings().deadlines();
        Duration warn = desk.settings().warnBefore();
        raisedNow = 0;
        for (Incident i : desk.incidents(true, OPEN_LIMIT)) {
            DeadlineRules.Due due = i.due(rules);
            int bits = 0;
            if (due.phone() != null) {
                bits |= step(i, now, warn, due.phone(), i.phoneReportedAt() != null,
                        DeadlineAlarm.PHONE_APPROACHING, DeadlineAlarm.PHONE_MISSED);
            }
            bits |= step(i, now, warn, due.written(), i.initialFiled(), DeadlineAlarm.WRITTEN_APPROACHING, DeadlineAlarm.WRITTEN_MISSED);
            if (bits != 0) {
                desk.store().addAlarms(i.key(), bits);
            }
        }
        return raisedNow;
    }

    private int step(Incident i, Instant now, Duration warn, Instant dueAt, boolean done, DeadlineAlarm approaching, DeadlineAlarm missed) {
        int raised = i.alarmsRaised();
        int bits = 0;
        if (done) {
            int cleared = approaching.bit() << CLEARED_SHIFT;
            if (approaching.in(raised) && !missed.in(raised) && (raised & cleared) == 0) {
                raise(i, approaching, Alarm.Severity.CLEARED, dueAt, "the " + approaching.deadline + " report of event " + i.key()
                        + " came in before its deadline");
                bits |= cleared;
            }
            return bits;
        }
        if (!now.isBefore(dueAt)) {
            if (!missed.in(raised)) {
                raise(i, missed, Alarm.Severity.CRITICAL, dueAt, "the " + approaching.deadline + " report of event " + i.key()
                        + " (" + i.level().chinese() + ") was due at " + dueAt + " and is missing");
                bits |= missed.bit() | approaching.bit();
            }
        } else if (!now.isBefore(dueAt.minus(warn)) && !approaching.in(raised)) {
            raise(i, approaching, Alarm.Severity.MAJOR, dueAt, "the " + approaching.deadline + " report of event " + i.key()
                    + " (" + i.level().chinese() + ") is due at " + dueAt);
            bits |= approaching.bit();
        }
        return bits;
    }

    private void raise(Incident i, DeadlineAlarm which, Alarm.Severity severity, Instant dueAt, String message) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("event", Long.toString(i.key()));
        evidence.put("title", i.title());
        evidence.put("level", i.level().chinese());
        evidence.put("status", i.status().cap());
        evidence.put("deadline", which.deadline);
        evidence.put("occurred_at", i.occurredAt().toString());
        evidence.put("due_at", dueAt.toString());
        if (i.incidentId() != null) {
            evidence.put("incident", i.incidentId());
        }
        telemetry.alarm(new Alarm(which.kind, severity, "duty", message, evidence, clock.millis()));
        if (severity != Alarm.Severity.CLEARED) {
            raisedNow++;
        }
        LOG.warn("duty: {} {}: {}", which.kind, severity, message);
    }
}
