package cn.egov.duty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.duty.CapIdentifier;
import cn.egov.api.duty.DeadlineRules;
import cn.egov.api.duty.DutyInputException;
import cn.egov.api.duty.DutyReport;
import cn.egov.api.duty.DutyReportPayload;
import cn.egov.api.duty.DutyTopics;
import cn.egov.api.duty.EventCategory;
import cn.egov.api.duty.Receipts;
import cn.egov.api.duty.ReportKind;
import cn.egov.api.duty.ReportLevel;
import cn.egov.api.duty.ReportReceipt;
import cn.egov.api.duty.ReportStatus;
import cn.egov.api.telemetry.Priority;
import cn.egov.duty.store.DutyStore;
import cn.egov.rules.unit.UnitCode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DutyDeskTest {

    static final UnitCode UNIT = UnitCode.parse("130602-001");
    static final Instant EVENT = Instant.parse("2026-07-01T01:20:00Z");
    static final DutyActor OFFICER = new DutyActor("duty-zhang", "130602-001", true, false);

    @TempDir
    Path dir;
    DutyStore store;
    RecordingTelemetry telemetry;
    MutableClock clock;
    DutyDesk desk;

    @BeforeEach
    void open() {
        store = new DutyStore(dir.resolve("duty.db"));
        telemetry = new RecordingTelemetry();
        clock = new MutableClock(EVENT.plusSeconds(600));
        desk = new DutyDesk(UNIT, store, settings(), telemetry, clock);
    }

    static DutySettings settings() {
        return new DutySettings(Path.of("unused"), DeadlineRules.DEFAULT, Duration.ofMinutes(5), Duration.ofSeconds(15),
                Set.of("lead-wang"), 31);
    }

    @AfterEach
    void close() {
        store.close();
    }

    Incident event() {
        return desk.register(new IncidentDraft("某化工厂储罐爆炸", ReportLevel.MAJOR, EventCategory.ACCIDENT, ReportStatus.ACTUAL, EVENT), OFFICER);
    }

    static ReportDraft draft(ReportKind kind, Integer number) {
        return new ReportDraft(kind, number, ReportLevel.MAJOR, "", "竞秀区朝阳南大街12号", "储罐区爆炸,现场已疏散", "消防到场",
                new DutyReport.Casualties(0, 3, 1), "张三", "0312-1234567");
    }

    @Test
    void aReportIsStoredThenQueuedAtTheHighestPriority() throws Exception {
        Incident e = event();
        FiledReport first = desk.file(e.key(), draft(ReportKind.INITIAL, null), OFFICER);
        DutyReport r = first.report();
        assertEquals(31, r.id().length());
        assertEquals(CapIdentifier.of(UNIT, clock.instant(), 0).toString(), r.id());
        assertEquals(r.id(), r.incident());
        assertEquals(EVENT, r.occurredAt());
        assertTrue(first.queued());
        List<RecordingTelemetry.Published> sent = telemetry.of(DutyTopics.APP, DutyTopics.REPORT);
        assertEquals(1, sent.size());
        assertEquals(Priority.CRITICAL, sent.get(0).priority());
        assertEquals(r, DutyReportPayload.decode(sent.get(0).payload()));
        assertEquals(r.id(), desk.incident(e.key()).incidentId());

        clock.advance(Duration.ofMinutes(20));
        FiledReport one = desk.file(e.key(), draft(ReportKind.FOLLOW_UP, 1), OFFICER);
        clock.advance(Duration.ofMinutes(20));
        FiledReport two = desk.file(e.key(), draft(ReportKind.FOLLOW_UP, null), OFFICER);
        assertEquals("续报 1", one.report().label());
        assertEquals("续报 2", two.report().label());
        assertEquals(r.id(), two.report().incident());
        clock.advance(Duration.ofMinutes(20));
        desk.file(e.key(), draft(ReportKind.FINAL, null), OFFICER);
        assertTrue(desk.incident(e.key()).closed());
        assertEquals(4, telemetry.of(DutyTopics.APP, DutyTopics.REPORT).size());
    }

    @Test
    void identifiersOfOneSecondGetSerialsThenTheNextSecond() {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 11; i++) {
            Incident e = desk.register(new IncidentDraft("事件 " + i, ReportLevel.GENERAL, EventCategory.NATURAL, null, EVENT), OFFICER);
            ids.add(desk.file(e.key(), draft(ReportKind.INITIAL, 0), OFFICER).report().id());
        }
        String second = CapIdentifier.of(UNIT, clock.instant(), 0).toString().substring(0, 29);
        for (int i = 0; i < 10; i++) {
            assertEquals(second + "_" + i, ids.get(i));
        }
        assertEquals(CapIdentifier.of(UNIT, clock.instant().plusSeconds(1), 0).toString(), ids.get(10));
        assertEquals(11, Set.copyOf(ids).size());
    }

    @Test
    void badInputIsRefusedAndNothingStoredChanges() throws Exception {
        Incident e = event();
        Incident other = desk.register(new IncidentDraft("另一事件", ReportLevel.LARGE, EventCategory.NATURAL, null, EVENT), OFFICER);
        desk.file(e.key(), draft(ReportKind.INITIAL, null), OFFICER);
        Snapshot before = snapshot();

        // a report without a level
        assertField("level", () -> desk.file(e.key(), new ReportDraft(ReportKind.FOLLOW_UP, null, null, "", "", "", "", null, "张三", ""), OFFICER));
        assertField("level", () -> desk.register(new IncidentDraft("x", null, EventCategory.NATURAL, null, EVENT), OFFICER));
        // a 续报 without its 初报
        DutyInputException noInitial = assertThrows(DutyInputException.class, () -> desk.file(other.key(), draft(ReportKind.FOLLOW_UP, 1), OFFICER));
        assertEquals("incident", noInitial.field());
        assertTrue(noInitial.getMessage().contains("needs its 初报 first"), noInitial.getMessage());
        // a number out of sequence
        DutyInputException skipped = assertThrows(DutyInputException.class, () -> desk.file(e.key(), draft(ReportKind.FOLLOW_UP, 3), OFFICER));
        assertEquals("续报 3 of event " + e.key() + " is out of sequence: the next number is 1", skipped.getMessage());
        // a second 初报
        assertField("kind", () -> desk.file(e.key(), draft(ReportKind.INITIAL, null), OFFICER));
        // a forged sender: an account of another unit
        DutyForbiddenException forged = assertThrows(DutyForbiddenException.class,
                () -> desk.file(e.key(), draft(ReportKind.FOLLOW_UP, 1), new DutyActor("duty-li", "130602-002", true, false)));
        assertTrue(forged.getMessage().contains("belongs to unit 130602-002"), forged.getMessage());
        // not a duty officer
        assertThrows(DutyForbiddenException.class, () -> desk.file(e.key(), draft(ReportKind.FOLLOW_UP, 1),
                new DutyActor("tech", "130602-001", false, true)));
        // oversize text
        DutyInputException big = assertThrows(DutyInputException.class, () -> desk.file(e.key(), new ReportDraft(ReportKind.FOLLOW_UP, null,
                ReportLevel.MAJOR, "", "", "x".repeat(DutyReport.MAX_DESCRIPTION + 1), "", null, "张三", ""), OFFICER));
        assertEquals("description has 4001 characters, at most 4000 are allowed", big.getMessage());
        assertField("title", () -> desk.register(new IncidentDraft("长".repeat(101), ReportLevel.MAJOR, EventCategory.NATURAL, null, EVENT), OFFICER));
        // an event time in the future, a phone report before the event
        assertField("occurredAt", () -> desk.register(new IncidentDraft("x", ReportLevel.MAJOR, EventCategory.NATURAL, null,
                clock.instant().plusSeconds(3600)), OFFICER));
        assertField("phoneReportedAt", () -> desk.phoneReported(e.key(), EVENT.minusSeconds(1), OFFICER));
        // an unknown event
        assertField("incident", () -> desk.file(999, draft(ReportKind.INITIAL, null), OFFICER));

        assertEquals(before, snapshot(), "nothing stored changed");
        // and the next good report still gets number 1 and the next free identifier
        FiledReport one = desk.file(e.key(), draft(ReportKind.FOLLOW_UP, 1), OFFICER);
        assertEquals(1, one.report().number());
        assertTrue(one.report().id().endsWith("_1"), one.report().id());
    }

    /** The officer typed Beijing time into the form: a refusal that quoted UTC ("2027-12-06T06:20:00Z") read as another time. */
    @Test
    void timesInRefusalsAreBeijingTimeAsTheOfficerEnteredThem() {
        DutyInputException future = assertThrows(DutyInputException.class, () -> desk.register(new IncidentDraft("x", ReportLevel.MAJOR,
                EventCategory.NATURAL, null, clock.instant().plusSeconds(3600)), OFFICER));
        assertEquals("the event time 2026-07-01 10:30:00 (Beijing time) is in the future: it is now 2026-07-01 09:30:00", future.getMessage());
        Incident e = event();
        DutyInputException before = assertThrows(DutyInputException.class, () -> desk.phoneReported(e.key(), EVENT.minusSeconds(60), OFFICER));
        assertEquals("the phone report 2026-07-01 09:19:00 (Beijing time) is before the event 2026-07-01 09:20:00", before.getMessage());
    }

    @Test
    void aReportStoredButNotQueuedIsQueuedLater() {
        Incident e = event();
        telemetry.failNext = true;
        FiledReport r = desk.file(e.key(), draft(ReportKind.INITIAL, null), OFFICER);
        assertFalse(r.queued(), "stored, the outbox refused it");
        assertEquals(0, telemetry.of(DutyTopics.APP, DutyTopics.REPORT).size());
        assertEquals(1, store.unqueued().size());
        assertEquals(1, desk.requeue());
        assertEquals(1, telemetry.of(DutyTopics.APP, DutyTopics.REPORT).size());
        assertTrue(store.unqueued().isEmpty());
        assertEquals(0, desk.requeue());
    }

    @Test
    void receiptsFromTheProvinceAreKeptNewestWins() {
        Incident e = event();
        DutyReport r = desk.file(e.key(), draft(ReportKind.INITIAL, null), OFFICER).report();
        Instant received = clock.instant().plusSeconds(5);
        desk.onReceipts(new Receipts(UNIT, received, List.of(new ReportReceipt(r.id(), received, null, "", 0, "市值班室"))));
        assertNull(desk.report(r.id()).orElseThrow().receipt().acknowledgedAt());
        Instant acked = received.plusSeconds(60);
        desk.onReceipts(new Receipts(UNIT, acked, List.of(new ReportReceipt(r.id(), received, acked, "省值班员 王", 1, "省值班室"))));
        // an older list arriving late changes nothing; another unit's is ignored
        desk.onReceipts(new Receipts(UNIT, received.plusSeconds(1), List.of(new ReportReceipt(r.id(), received, null, "", 0, "市值班室"))));
        desk.onReceipts(new Receipts(UnitCode.parse("130602-002"), acked.plusSeconds(9),
                List.of(new ReportReceipt(r.id(), received, null, "", 0, "x"))));
        ReportReceipt kept = desk.report(r.id()).orElseThrow().receipt();
        assertEquals(acked, kept.acknowledgedAt());
        assertEquals("省值班员 王", kept.acknowledgedBy());
        assertEquals("省值班室", kept.escalatedTo());
    }

    record Snapshot(List<Incident> incidents, List<String> reports, long[] slot, int published) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Snapshot s && s.incidents.equals(incidents) && s.reports.equals(reports)
                    && java.util.Arrays.equals(s.slot, slot) && s.published == published;
        }

        @Override
        public int hashCode() {
            return reports.hashCode();
        }

        @Override
        public String toString() {
            return incidents + " " + reports + " " + java.util.Arrays.toString(slot) + " " + published;
        }
    }

    Snapshot snapshot() {
        return new Snapshot(store.incidents(false, 100), store.recentReports(100).stream().map(f -> f.report().id()).toList(),
                store.nextIdentifierSlot(clock.instant().getEpochSecond()), telemetry.published.size());
    }

    static void assertField(String field, Executable action) {
        DutyInputException e = assertThrows(DutyInputException.class, action::execute);
        assertEquals(field, e.field(), e.getMessage());
    }

    interface Executable {
        void execute() throws Exception;
    }
}
