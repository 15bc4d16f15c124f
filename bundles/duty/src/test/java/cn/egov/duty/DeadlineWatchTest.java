package cn.egov.duty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.duty.DutyTopics;
import cn.egov.api.duty.EventCategory;
import cn.egov.api.duty.ReportKind;
import cn.egov.api.duty.ReportLevel;
import cn.egov.api.telemetry.Alarm;
import cn.egov.duty.store.DutyStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The box's own deadline clock, driven by a clock the test moves: a 重大 event must be phoned in
 * within 15 minutes and written within 35; the box warns 5 minutes before each and alarms when one
 * passes, once each, also across a restart.
 */
class DeadlineWatchTest {

    static final Instant EVENT = DutyDeskTest.EVENT;

    @TempDir
    Path dir;

    @Test
    void warnsBeforeAndAlarmsWhenADeadlinePasses() {
        RecordingTelemetry telemetry = new RecordingTelemetry();
        MutableClock clock = new MutableClock(EVENT.plusSeconds(60));
        Incident e;
        try (DutyStore store = new DutyStore(dir.resolve("duty.db"))) {
            DutyDesk desk = new DutyDesk(DutyDeskTest.UNIT, store, DutyDeskTest.settings(), telemetry, clock);
            DeadlineWatch watch = new DeadlineWatch(desk, telemetry, clock);
            e = desk.register(new cn.egov.duty.IncidentDraft("山体滑坡", ReportLevel.MAJOR, EventCategory.NATURAL, null, EVENT),
                    DutyDeskTest.OFFICER);

            at(clock, 9, 59);
            assertEquals(0, watch.check(), "nothing before 10 minutes (15 minus the 5-minute warning)");
            at(clock, 10, 0);
            assertEquals(1, watch.check());
            assertEquals(0, watch.check(), "raised once");
            Alarm phoneWarn = last(telemetry);
            assertEquals(DutyTopics.DEADLINE_APPROACHING, phoneWarn.kind());
            assertEquals(Alarm.Severity.MAJOR, phoneWarn.severity());
            assertEquals("phone", phoneWarn.evidence().get("deadline"));
            assertEquals(EVENT.plusSeconds(15 * 60).toString(), phoneWarn.evidence().get("due_at"));
            assertEquals("重大", phoneWarn.evidence().get("level"));

            at(clock, 15, 0);
            assertEquals(1, watch.check());
            Alarm phoneMissed = last(telemetry);
            assertEquals(DutyTopics.DEADLINE_MISSED, phoneMissed.kind());
            assertEquals(Alarm.Severity.CRITICAL, phoneMissed.severity());
            desk.phoneReported(e.key(), clock.instant(), DutyDeskTest.OFFICER);

            at(clock, 30, 0);
            assertEquals(1, watch.check());
            assertEquals("written", last(telemetry).evidence().get("deadline"));
            assertEquals(DutyTopics.DEADLINE_APPROACHING, last(telemetry).kind());
            at(clock, 31, 0);
            desk.file(e.key(), DutyDeskTest.draft(ReportKind.INITIAL, null), DutyDeskTest.OFFICER);
            assertEquals(0, watch.check());
            Alarm cleared = last(telemetry);
            assertEquals(Alarm.Severity.CLEARED, cleared.severity());
            assertEquals("written", cleared.evidence().get("deadline"));
            assertEquals(e.key(), Long.parseLong(cleared.evidence().get("event")));
        }
        int before = telemetry.alarms().size();
        // restarted box, same store: nothing is raised twice
        clock.advance(Duration.ofHours(2));
        try (DutyStore store = new DutyStore(dir.resolve("duty.db"))) {
            DutyDesk desk = new DutyDesk(DutyDeskTest.UNIT, store, DutyDeskTest.settings(), telemetry, clock);
            assertEquals(0, new DeadlineWatch(desk, telemetry, clock).check());
        }
        assertEquals(before, telemetry.alarms().size());
        assertEquals(List.of("approaching/phone/MAJOR", "missed/phone/CRITICAL", "approaching/written/MAJOR", "approaching/written/CLEARED"),
                telemetry.alarms().stream().map(a -> a.kind().substring("duty.deadline.".length()) + "/" + a.evidence().get("deadline")
                        + "/" + a.severity()).toList());
    }

    @Test
    void aWrittenDeadlineMissedWhileNothingWasFiled() {
        RecordingTelemetry telemetry = new RecordingTelemetry();
        MutableClock clock = new MutableClock(EVENT);
        try (DutyStore store = new DutyStore(dir.resolve("duty.db"))) {
            DutyDesk desk = new DutyDesk(DutyDeskTest.UNIT, store, DutyDeskTest.settings(), telemetry, clock);
            DeadlineWatch watch = new DeadlineWatch(desk, telemetry, clock);
            desk.register(new IncidentDraft("道路塌陷", ReportLevel.GENERAL, EventCategory.ACCIDENT, null, EVENT), DutyDeskTest.OFFICER);
            // 一般: no phone deadline, written within 6 hours; the first check after that raises the miss only
            clock.advance(Duration.ofHours(7));
            assertEquals(1, watch.check());
            assertEquals(DutyTopics.DEADLINE_MISSED, last(telemetry).kind());
            assertTrue(last(telemetry).message().contains("was due at " + EVENT.plusSeconds(6 * 3600)), last(telemetry).message());
            assertEquals(1, telemetry.alarms().size());
        }
    }

    private static void at(MutableClock clock, int minutes, int seconds) {
        clock.set(EVENT.plusSeconds(minutes * 60L + seconds));
    }

    private static Alarm last(RecordingTelemetry t) {
        List<Alarm> a = t.alarms();
        return a.get(a.size() - 1);
    }
}
