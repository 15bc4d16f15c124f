package cn.egov.manager.duty;

import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import cn.egov.manager.support.StoreKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.duty.DeadlineRules;
import cn.egov.api.duty.DutyReport;
import cn.egov.api.duty.DutyTopics;
import cn.egov.api.duty.Receipts;
import cn.egov.api.duty.ReceiptsPayload;
import cn.egov.api.duty.ReportKind;
import cn.egov.api.duty.ReportLevel;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.store.AlarmStore;
import cn.egov.manager.store.Database;
import cn.egov.rules.unit.UnitCode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The duty office on a clock the test moves: the escalation chain step by step, repeats, an
 * acknowledgement that stops and clears it, a late 初报, and a 续报 that overtook its predecessor.
 * On SQLite and PostgreSQL.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class DutyOfficeTest {

    @Parameter
    StoreKind kind;


    static final UnitCode UNIT = UnitCode.parse("130602-001");
    static final Instant T = Instant.parse("2026-07-01T01:30:00Z");

    @TempDir
    Path dir;
    Database db;
    AlarmStore alarms;
    MovingClock clock;
    DutyOffice office;
    ReceiptSender receipts;
    final List<KuraTopic> published = new ArrayList<>();
    long seq;

    static final class MovingClock extends Clock {
        Instant now;

        MovingClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeEach
    void office() throws Exception {
        db = kind.open(dir);
        alarms = new AlarmStore(db);
        clock = new MovingClock(T);
        DutyOfficeSettings settings = new DutyOfficeSettings(DeadlineRules.DEFAULT,
                EscalationPolicy.parse("市值班室=10m, 省值班室=10m, 省值班带班领导=10m", 2), Duration.ofSeconds(5), Duration.ofMinutes(5),
                Duration.ofDays(30), 100);
        DutyOfficeStore store = new DutyOfficeStore(db);
        receipts = new ReceiptSender(store, settings, (topic, payload, retained) -> published.add(topic), "hebei", alarms, clock);
        office = new DutyOffice(store, settings, alarms, receipts, clock);
    }

    void arrive(DutyReport r) throws Exception {
        office.report(r.unit(), new MessageId("epoch-1", seq++), TestReports.payload(r, new MessageId("epoch-1", seq)), clock.now);
    }

    List<Alarm> duty(String kind) throws Exception {
        return alarms.latest(AlarmStore.MANAGER_CLIENT_ID, 100).stream().map(AlarmStore.StoredAlarm::alarm)
                .filter(a -> a.kind().equals(kind)).sorted(java.util.Comparator.comparingLong(Alarm::time)).toList();
    }

    @Test
    void aWaitUnderAMinuteIsToldInSecondsNotAsZeroMinutes() throws Exception {
        DutyOfficeSettings lab = new DutyOfficeSettings(DeadlineRules.DEFAULT, EscalationPolicy.parse("市值班室=20s, 省值班室=20s", 0),
                Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofDays(30), 100);
        DutyOfficeStore store = new DutyOfficeStore(db);
        office = new DutyOffice(store, lab, alarms, new ReceiptSender(store, lab, (topic, payload, retained) -> { }, "hebei", alarms, clock), clock);
        arrive(TestReports.initial(UNIT, T.minusSeconds(60), ReportLevel.MAJOR));
        clock.now = T.plusSeconds(20);
        assertEquals(1, office.escalateDue());
        String message = duty(DutyTopics.UNACKNOWLEDGED).get(0).message();
        assertTrue(message.contains("not acknowledged for 20 s: with 省值班室"), message);
    }

    @Test
    void anUnacknowledgedReportClimbsTheChainAndTheAlarmRepeats() throws Exception {
        DutyReport r = TestReports.initial(UNIT, T.minusSeconds(60), ReportLevel.MAJOR);
        arrive(r);
        assertEquals(0, office.store().report(r.id()).orElseThrow().step());
        assertEquals(T.plusSeconds(600), office.store().report(r.id()).orElseThrow().nextEscalationAt());

        clock.now = T.plusSeconds(599);
        assertEquals(0, office.escalateDue(), "not before the first step's 10 minutes");
        clock.now = T.plusSeconds(600);
        assertEquals(1, office.escalateDue());
        assertEquals(0, office.escalateDue(), "once per wait");
        OfficeReport atProvince = office.store().report(r.id()).orElseThrow();
        assertEquals(1, atProvince.step());
        assertTrue(atProvince.escalated());
        Alarm first = duty(DutyTopics.UNACKNOWLEDGED).get(0);
        assertEquals(Alarm.Severity.MAJOR, first.severity());
        assertEquals("省值班室", first.evidence().get("escalated_to"));
        assertEquals(r.id(), first.evidence().get("report"));
        assertEquals("130602-001", first.evidence().get("unit"));
        assertTrue(first.message().contains("not acknowledged for 10 min"), first.message());

        clock.now = T.plusSeconds(1200);
        assertEquals(1, office.escalateDue());
        clock.now = T.plusSeconds(1800);
        assertEquals(1, office.escalateDue());
        clock.now = T.plusSeconds(2400);
        assertEquals(1, office.escalateDue());
        assertNull(office.store().report(r.id()).orElseThrow().nextEscalationAt(), "the chain is spent after 2 repeats");
        clock.now = T.plusSeconds(3600);
        assertEquals(0, office.escalateDue());
        List<Alarm> all = duty(DutyTopics.UNACKNOWLEDGED);
        assertEquals(List.of("MAJOR 省值班室", "CRITICAL 省值班带班领导", "CRITICAL 省值班带班领导", "CRITICAL 省值班带班领导"),
                all.stream().map(a -> a.severity() + " " + a.evidence().get("escalated_to")).toList());
        assertTrue(all.get(3).message().contains("(again, 2)"), all.get(3).message());

        // still acknowledged in the end: the escalation alarm is cleared and the box's receipts say so
        clock.now = T.plusSeconds(3700);
        assertEquals(DutyOffice.AckResult.ACKNOWLEDGED, office.acknowledge(r.id(), "duty-wang", "已通知应急局"));
        assertEquals(DutyOffice.AckResult.ALREADY, office.acknowledge(r.id(), "duty-li", ""));
        assertEquals(DutyOffice.AckResult.UNKNOWN, office.acknowledge("13060200100000_20260701000000_0", "duty-li", ""));
        assertEquals(Alarm.Severity.CLEARED, duty(DutyTopics.UNACKNOWLEDGED).get(4).severity());
        Receipts sent = receipts.receipts(UNIT);
        assertEquals(1, sent.receipts().size());
        assertEquals("duty-wang", sent.receipts().get(0).acknowledgedBy());
        assertEquals(2, sent.receipts().get(0).escalationStep());
        assertEquals("省值班带班领导", sent.receipts().get(0).escalatedTo());
        assertEquals(sent, ReceiptsPayload.decode(ReceiptsPayload.encode(sent)));
    }

    @Test
    void anAcknowledgementInTimeStopsTheChain() throws Exception {
        DutyReport r = TestReports.initial(UNIT, T.minusSeconds(60), ReportLevel.GENERAL);
        arrive(r);
        clock.now = T.plusSeconds(300);
        office.acknowledge(r.id(), "duty-wang", "");
        clock.now = T.plusSeconds(3600);
        assertEquals(0, office.escalateDue());
        assertEquals(List.of(), duty(DutyTopics.UNACKNOWLEDGED));
        assertFalse(office.store().report(r.id()).orElseThrow().escalated());
    }

    @Test
    void aLateInitialIsAcceptedAndAlarmed() throws Exception {
        // 重大: written within 35 minutes of the event; this one was filed 40 minutes after
        DutyReport r = TestReports.initial(UNIT, T, ReportLevel.MAJOR);
        DutyReport late = new DutyReport(r.id(), r.unit(), r.incident(), r.kind(), 0, r.level(), r.status(), r.category(), r.title(),
                T.minusSeconds(40 * 60), T, null, "", "", "", null, "张三", "");
        arrive(late);
        assertTrue(office.store().report(r.id()).orElseThrow().late());
        Alarm a = duty(DutyTopics.LATE).get(0);
        assertEquals(T.minusSeconds(5 * 60).toString(), a.evidence().get("due_at"));
    }

    @Test
    void aFollowUpThatOvertookItsPredecessorIsTakenInWhenThatArrives() throws Exception {
        DutyReport first = TestReports.initial(UNIT, T, ReportLevel.LARGE);
        DutyReport one = TestReports.next(first, ReportKind.FOLLOW_UP, 1, 600);
        DutyReport two = TestReports.next(first, ReportKind.FOLLOW_UP, 2, 1200);
        arrive(first);
        arrive(two);
        assertTrue(office.store().report(two.id()).isEmpty(), "refused while 续报 1 is missing");
        DutyOfficeStore.Refusal refusal = office.store().refusals(10).get(0);
        assertEquals("number", refusal.field());
        assertFalse(refusal.resolved());
        arrive(one);
        assertEquals(List.of(0, 1, 2), office.store().incident(first.id()).stream().map(o -> o.report().number()).toList());
        assertTrue(office.store().refusals(10).get(0).resolved());
        // receipts were queued for the unit at each acceptance (the sender thread is not running in this test)
        assertEquals(1, receipts.depth());
    }

    @Test
    void aReportQueuedTwiceAroundACrashIsTakenInOnce() throws Exception {
        // the box died after its outbox took the report and before it noted that: the report is queued again (new message id)
        DutyReport r = TestReports.initial(UNIT, T.minusSeconds(60), ReportLevel.MAJOR);
        arrive(r);
        arrive(r);
        assertEquals(1, office.accepted.sum());
        assertEquals(0, office.refused.sum());
        assertEquals(List.of(), office.store().refusals(10));
        assertEquals(List.of(), duty(DutyTopics.REFUSED));
        assertEquals(List.of(0), office.store().incident(r.id()).stream().map(o -> o.report().number()).toList());

        // the same identifier with other content is not a resend: refused, the stored report stays as it was
        DutyReport changed = new DutyReport(r.id(), r.unit(), r.incident(), r.kind(), 0, r.level(), r.status(), r.category(), "另一个事件",
                r.occurredAt(), r.filedAt(), null, "", "", "", null, "张三", "");
        arrive(changed);
        assertEquals("id", office.store().refusals(10).get(0).field());
        assertEquals(r, office.store().report(r.id()).orElseThrow().report());
    }

    @Test
    void aFollowUpQueuedTwiceWhileItsPredecessorIsMissingIsTakenInOnce() throws Exception {
        DutyReport first = TestReports.initial(UNIT, T, ReportLevel.LARGE);
        DutyReport one = TestReports.next(first, ReportKind.FOLLOW_UP, 1, 600);
        DutyReport two = TestReports.next(first, ReportKind.FOLLOW_UP, 2, 1200);
        arrive(first);
        arrive(two);
        arrive(two);
        arrive(one);
        assertEquals(List.of(0, 1, 2), office.store().incident(first.id()).stream().map(o -> o.report().number()).toList());
        assertEquals(3, office.accepted.sum());
        assertTrue(office.store().refusals(10).stream().allMatch(DutyOfficeStore.Refusal::resolved),
                "both parked copies of 续报 2 are settled: " + office.store().refusals(10));
    }

    @Test
    void aBoxSendingBadReportsInALoopIsRecordedEveryTimeAndAlarmedOncePerFieldAndInterval() throws Exception {
        DutyReport first = TestReports.initial(UNIT, T, ReportLevel.LARGE);
        arrive(first);
        for (int i = 0; i < 50; i++) {
            arrive(TestReports.next(first, ReportKind.FOLLOW_UP, 7, i + 1)); // out of sequence, again and again
        }
        arrive(TestReports.next(TestReports.initial(UNIT, T.minusSeconds(900), ReportLevel.LARGE), ReportKind.FOLLOW_UP, 1, 1));
        assertEquals(51, office.store().refusals(100).size(), "every refusal is recorded");
        assertEquals(2, office.flushRefusalAlarms(), "one alarm per unit and field");
        List<Alarm> raised = duty(DutyTopics.REFUSED);
        assertEquals(List.of("incident", "number"), raised.stream().map(a -> a.evidence().get("field")).sorted().toList());
        assertEquals("50", raised.stream().filter(a -> a.evidence().get("field").equals("number")).findFirst().orElseThrow()
                .evidence().get("attempts"));

        // within the interval the same unit and field is not alarmed again; after it, it is
        clock.now = T.plusSeconds(60);
        arrive(TestReports.next(first, ReportKind.FOLLOW_UP, 9, 99));
        assertEquals(0, office.flushRefusalAlarms());
        assertEquals(1, office.refusalAlarmsSuppressed());
        clock.now = T.plusSeconds(301);
        arrive(TestReports.next(first, ReportKind.FOLLOW_UP, 9, 100));
        assertEquals(1, office.flushRefusalAlarms());
        assertEquals(3, duty(DutyTopics.REFUSED).size());
    }

    @Test
    void reportsTheIngestLogHoldsButTheOfficeNeverSawAreTakenInAtStart() throws Exception {
        // the manager stopped after ingest committed these and before the office had them
        DutyReport first = TestReports.initial(UNIT, T, ReportLevel.MAJOR);
        DutyReport orphan = TestReports.next(TestReports.initial(UNIT, T.minusSeconds(900), ReportLevel.MAJOR), ReportKind.FOLLOW_UP, 1, 1);
        ingestLog(new MessageId("e", 1), first);
        ingestLog(new MessageId("e", 2), first); // the second copy of a box killed between its outbox and its store
        ingestLog(new MessageId("e", 3), orphan);
        DutyIntake intake = new DutyIntake(office);
        assertEquals(2, intake.catchUp(db, T.minus(Duration.ofDays(30))), "the 初报 and the refused orphan");
        assertEquals(List.of(0), office.store().incident(first.id()).stream().map(o -> o.report().number()).toList());
        assertEquals("incident", office.store().refusals(10).get(0).field());
        assertEquals(0, intake.catchUp(db, T.minus(Duration.ofDays(30))), "nothing new at the next start");
        assertEquals(1, office.accepted.sum());
    }

    /** A report message as ingest stores it in the telemetry table. */
    private void ingestLog(MessageId id, DutyReport r) throws Exception {
        try (java.sql.Connection c = db.connect(); java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO telemetry (client_id,"
                + " app_id, resource, msg_epoch, msg_seq, ts, received, metrics_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.unit().toString());
            ps.setString(2, DutyTopics.APP);
            ps.setString(3, DutyTopics.REPORT);
            ps.setString(4, id.epoch());
            ps.setLong(5, id.sequence());
            ps.setLong(6, r.filedAt().toEpochMilli());
            ps.setLong(7, T.toEpochMilli() + id.sequence());
            ps.setString(8, cn.egov.manager.store.MetricsJson.write(TestReports.payload(r, id).metrics()));
            ps.executeUpdate();
        }
    }
}
