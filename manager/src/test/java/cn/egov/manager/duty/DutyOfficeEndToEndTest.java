package cn.egov.manager.duty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.duty.DutyReport;
import cn.egov.api.duty.DutyReportPayload;
import cn.egov.api.duty.DutyTopics;
import cn.egov.api.duty.Receipts;
import cn.egov.api.duty.ReceiptsPayload;
import cn.egov.api.duty.ReportKind;
import cn.egov.api.duty.ReportLevel;
import cn.egov.api.duty.ReportReceipt;
import cn.egov.api.duty.Roster;
import cn.egov.api.duty.RosterPayload;
import cn.egov.api.duty.Shift;
import cn.egov.api.duty.ShiftRole;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.account.Role;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.store.AlarmStore;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.Poll;
import cn.egov.manager.support.SimulatedBox;
import cn.egov.manager.support.TestAccounts;
import cn.egov.rules.unit.UnitCode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The duty office in a real manager (embedded Artemis, ingest, SQLite, Jetty): reports published
 * by boxes over MQTT are taken in, refused with their reason, acknowledged by a duty officer over
 * REST (and only by one), escalated and alarmed when nobody does within the configured (short)
 * time, sent back to the box as retained receipts, and exported as CAP that xmllint validates.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DutyOfficeEndToEndTest {

    static final UnitCode UNIT = UnitCode.parse("130602-001");
    static final UnitCode OTHER = UnitCode.parse("130602-002");
    /** A unit of another city (石家庄 长安区). */
    static final UnitCode CITY_UNIT = UnitCode.parse("130102-001");
    static final Path XSD = Path.of("../bundles/api/src/test/resources/cap/CAP-v1.2.xsd").toAbsolutePath().normalize();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    ManagerAssembly m;
    final HttpClient http = HttpClient.newHttpClient();
    long seq;

    @BeforeAll
    void manager() throws Exception {
        ManagerConfig fixture = ManagerFixture.config(dir.resolve("manager"));
        Map<String, String> ext = new java.util.LinkedHashMap<>(fixture.extensions());
        ext.putAll(Map.of("duty.escalation", "市值班室=2s, 省值班室=2s", "duty.escalation.repeat", "0", "duty.check-period-s", "1"));
        m = ManagerAssembly.start(new ManagerConfig("test", fixture.values(), ext), ManagerAssembly.Options.defaults());
        TestAccounts.add(m.database(), "duty-wang", Role.DUTY_OFFICER);
        TestAccounts.add(m.database(), "bd-tech", Role.TECHNICIAN, "130602");
    }

    @AfterAll
    void stop() {
        if (m != null) {
            m.close();
        }
    }

    void publish(UnitCode from, KuraPayload p) throws Exception {
        publish(from, DutyTopics.REPORT, KuraPayloadCodec.encode(TestReports.withId(p, new MessageId("e2e", seq++))));
    }

    /** What the box of {@code from} sends on its {@code DUTY/<resource>} topic. */
    void publish(UnitCode from, String resource, byte[] payload) throws Exception {
        try (SimulatedBox box = SimulatedBox.lab(m, from.toString()).connect()) {
            box.publish(KuraTopic.telemetry(SimulatedBox.ACCOUNT, from.toString(), DutyTopics.APP, resource).toString(), payload);
            box.flush();
        }
    }

    void publishRoster(UnitCode from, Roster r) throws Exception {
        publish(from, DutyTopics.ROSTER, KuraPayloadCodec.encode(TestReports.withId(RosterPayload.encode(r), new MessageId("e2e", seq++))));
    }

    HttpResponse<String> get(String path, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(m.webUrl() + path));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String auth, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(m.webUrl() + path)).header("Authorization", auth)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String officer() {
        return TestAccounts.basic("duty-wang");
    }

    static String noc() {
        return "Bearer " + ManagerFixture.NOC_TOKEN;
    }

    JsonNode report(String id) throws Exception {
        HttpResponse<String> r = get(DutyPart.REPORTS + "/" + id, officer());
        return r.statusCode() == 200 ? JSON.readTree(r.body()).path("report") : null;
    }

    @Test
    void aReportIsTakenInAcknowledgedOnceAndItsReceiptsReachTheBox() throws Exception {
        DutyReport r = TestReports.initial(UNIT, Instant.now().minusSeconds(30), ReportLevel.MAJOR);
        publish(UNIT, DutyReportPayload.encode(r));
        Poll.until("the report at the duty office", 30_000, () -> uncheckedReport(r.id()) != null);
        JsonNode v = report(r.id());
        assertEquals("初报", v.path("label").asText());
        assertEquals("重大", v.path("levelName").asText());
        assertEquals("130602-001", v.path("unit").asText());
        assertFalse(v.path("acknowledged").asBoolean());

        // who may read and who may acknowledge
        assertEquals(200, get(DutyPart.REPORTS, noc()).statusCode());
        assertEquals(403, get(DutyPart.REPORTS, TestAccounts.basic("bd-tech")).statusCode());
        assertEquals(401, get(DutyPart.REPORTS, null).statusCode());
        assertEquals(403, post(DutyPart.REPORTS + "/" + r.id() + "/ack", noc(), "{}").statusCode(), "the NOC reads, duty officers acknowledge");
        assertEquals(400, post(DutyPart.REPORTS + "/" + r.id() + "/ack", officer(), "{\"note\": 7}").statusCode());
        assertEquals(404, post(DutyPart.REPORTS + "/13060200100000_20200101000000_0/ack", officer(), "{}").statusCode());
        HttpResponse<String> ack = post(DutyPart.REPORTS + "/" + r.id() + "/ack", officer(), "{\"note\": \"已转应急局\"}");
        assertEquals(200, ack.statusCode(), ack.body());
        JsonNode acked = JSON.readTree(ack.body()).path("report");
        assertTrue(acked.path("acknowledged").asBoolean());
        assertEquals("duty-wang", acked.path("acknowledgedBy").asText());
        HttpResponse<String> again = post(DutyPart.REPORTS + "/" + r.id() + "/ack", officer(), "{}");
        assertEquals(409, again.statusCode());
        assertTrue(again.body().contains("already acknowledged by duty-wang"), again.body());
        assertEquals(1, count("SELECT COUNT(*) FROM audit_log WHERE action = 'duty.acknowledge' AND target = '" + r.id()
                + "' AND outcome = 'SUCCESS' AND actor = 'duty-wang'"));

        // the box (its own client id, its own control topic) finds its receipts retained
        Receipts receipts = receiptsAsTheBox(UNIT, x -> x.receipts().stream().anyMatch(c -> c.reportId().equals(r.id()) && c.acknowledged()));
        assertEquals("duty-wang", receipts.receipts().stream().filter(c -> c.reportId().equals(r.id())).findFirst().orElseThrow().acknowledgedBy());

        // the CAP export validates against the official schema with libxml2
        HttpResponse<String> cap = get(DutyPart.REPORTS + "/" + r.id() + "/cap", noc());
        assertEquals(200, cap.statusCode());
        assertTrue(cap.headers().firstValue("Content-Type").orElse("").startsWith("application/xml"));
        Path file = Files.writeString(dir.resolve(r.id() + ".xml"), cap.body());
        Process p = new ProcessBuilder("xmllint", "--noout", "--schema", XSD.toString(), file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(cap.body().contains("<identifier>" + r.id() + "</identifier>"), cap.body());

        // the page: the officer's view lists it acknowledged
        HttpResponse<String> page = get("/duty", officer());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("report-" + r.id()), page.body());
        assertTrue(page.body().contains("/duty/duty.js"), "the page's script is served by the manager");
        assertEquals(200, get(DutyPart.SCRIPT, officer()).statusCode());
    }

    @Test
    void badReportsAreRefusedWithTheirReasonAndNothingIsStored() throws Exception {
        DutyReport first = TestReports.initial(UNIT, Instant.now().minusSeconds(20), ReportLevel.LARGE);
        publish(UNIT, DutyReportPayload.encode(first));
        Poll.until("the 初报", 30_000, () -> uncheckedReport(first.id()) != null);
        long stored = count("SELECT COUNT(*) FROM duty_reports");
        long refusedBefore = count("SELECT COUNT(*) FROM duty_refusals");

        KuraPayload noLevel = without(DutyReportPayload.encode(TestReports.next(first, ReportKind.FOLLOW_UP, 1, 5)), DutyReportPayload.LEVEL);
        DutyReport orphan = TestReports.next(TestReports.initial(UNIT, Instant.now().minusSeconds(300), ReportLevel.LARGE), ReportKind.FOLLOW_UP, 1, 1);
        DutyReport skipped = TestReports.next(first, ReportKind.FOLLOW_UP, 3, 6);
        KuraPayload oversize = with(DutyReportPayload.encode(TestReports.next(first, ReportKind.FOLLOW_UP, 1, 7)),
                DutyReportPayload.DESCRIPTION, "长".repeat(DutyReport.MAX_DESCRIPTION + 1));
        publish(UNIT, noLevel);
        publish(UNIT, DutyReportPayload.encode(orphan));
        publish(UNIT, DutyReportPayload.encode(skipped));
        publish(UNIT, oversize);
        // a forged sender: the box of 130602-002 (the broker lets it publish only under its own id) sends a report naming 130602-001
        publish(OTHER, DutyReportPayload.encode(TestReports.next(first, ReportKind.FOLLOW_UP, 1, 8)));

        Poll.until("five refusals", 30_000, () -> uncheckedCount("SELECT COUNT(*) FROM duty_refusals") >= refusedBefore + 5);
        JsonNode refusals = JSON.readTree(get(DutyPart.REFUSALS, officer()).body()).path("refusals");
        List<String> fields = java.util.stream.StreamSupport.stream(refusals.spliterator(), false)
                .limit(5).map(n -> n.path("field").asText()).sorted().toList();
        assertEquals(List.of("description", "incident", "level", "number", "unit"), fields);
        String reasons = refusals.toString();
        assertTrue(reasons.contains("the report has no level"), reasons);
        assertTrue(reasons.contains("which has no 初报"), reasons);
        assertTrue(reasons.contains("is out of sequence: the next number is 1"), reasons);
        assertTrue(reasons.contains("description has 4001 characters, at most 4000 are allowed"), reasons);
        assertTrue(reasons.contains("forged sender: report") && reasons.contains("came from the box of 130602-002"), reasons);
        assertEquals(stored, count("SELECT COUNT(*) FROM duty_reports"), "nothing stored changed");
        assertEquals(List.of(0), incidentNumbers(first.id()));
        // alarms are once per unit and field per interval, and other tests of the class raised some already
        // (level, number): wait for the forged sender's, which is new
        Poll.until("the forged sender alarmed at the office's next check", 30_000, () -> refusalAlarms().stream()
                .anyMatch(a -> "130602-002".equals(a.evidence().get("unit")) && "unit".equals(a.evidence().get("field"))));

        // the right next report is still accepted afterwards
        DutyReport one = TestReports.next(first, ReportKind.FOLLOW_UP, 1, 9);
        publish(UNIT, DutyReportPayload.encode(one));
        Poll.until("续报 1", 30_000, () -> uncheckedReport(one.id()) != null);
        assertEquals(List.of(0, 1), incidentNumbers(first.id()));
    }

    @Test
    void anUnacknowledgedReportIsEscalatedAndAlarmedAfterTheConfiguredTime() throws Exception {
        DutyReport r = TestReports.initial(UNIT, Instant.now().minusSeconds(10), ReportLevel.EXTRAORDINARY);
        publish(UNIT, DutyReportPayload.encode(r));
        Poll.until("the report escalated to 省值班室", 30_000, () -> {
            JsonNode v = uncheckedReport(r.id());
            return v != null && v.path("step").asInt() == 1;
        });
        JsonNode v = report(r.id());
        assertTrue(v.path("escalated").asBoolean());
        assertEquals("省值班室", v.path("escalatedTo").asText());
        Alarm alarm = new AlarmStore(m.database()).latest(AlarmStore.MANAGER_CLIENT_ID, 200).stream().map(AlarmStore.StoredAlarm::alarm)
                .filter(a -> a.kind().equals(DutyTopics.UNACKNOWLEDGED) && r.id().equals(a.evidence().get("report"))).findFirst().orElseThrow();
        assertEquals(Alarm.Severity.CRITICAL, alarm.severity(), "省值班室 is the last step of this chain");
        long receivedAt = Instant.parse(v.path("receivedAt").asText()).toEpochMilli();
        assertTrue(alarm.time() - receivedAt >= 2_000, "escalated only after the 2 s the first step waits: " + (alarm.time() - receivedAt));
        assertTrue(get("/api/metrics", noc()).body().contains("\"duty.escalations\""));
        // the NOC sees it in the duty alarm list, and the office on its page
        JsonNode listed = java.util.stream.StreamSupport.stream(JSON.readTree(get(DutyPart.ALARMS, noc()).body()).path("alarms").spliterator(), false)
                .filter(a -> a.path("kind").asText().equals(DutyTopics.UNACKNOWLEDGED) && a.path("evidence").path("report").asText().equals(r.id())
                        && a.path("severity").asText().equals("CRITICAL")).findFirst().orElseThrow();
        assertEquals("manager", listed.path("from").asText());
        assertEquals("省值班室", listed.path("evidence").path("escalated_to").asText());
        assertEquals(400, get(DutyPart.ALARMS + "?hours=abc", noc()).statusCode());
        assertTrue(get("/duty", officer()).body().contains(r.id() + " of 130602-001 not acknowledged for"), "the page lists the alarm");
        // repeat 0: the chain is spent, no second alarm for it
        assertEquals("", v.path("nextEscalationAt").asText(""));
    }

    @Test
    void everyUnitsRosterIsShownProvinceWideAndOnlyItsOwnBoxChangesIt() throws Exception {
        Instant now = Instant.now();
        publishRoster(UNIT, new Roster(UNIT, 3, now, List.of(
                new Shift("day-1", now.minusSeconds(3600), now.plusSeconds(7 * 3600), ShiftRole.OFFICER, "张三", "0312-1234567"),
                new Shift("night-1", now.plusSeconds(7 * 3600), now.plusSeconds(15 * 3600), ShiftRole.LEAD, "李四", "0312-7654321"))));
        publishRoster(CITY_UNIT, new Roster(CITY_UNIT, 1, now, List.of(
                new Shift("d1", now.minusSeconds(600), now.plusSeconds(3600), ShiftRole.LEAD, "王五", "0311-1111111"))));
        Poll.until("both rosters at the province", 30_000, () -> uncheckedCount("SELECT COUNT(*) FROM duty_rosters") == 2);

        JsonNode all = JSON.readTree(get(DutyPart.ROSTERS, officer()).body()).path("rosters");
        assertEquals(List.of("130102-001", "130602-001"), units(all));
        JsonNode ours = roster(all, UNIT);
        assertEquals(3, ours.path("version").asInt());
        assertEquals(List.of("张三"), people(ours.path("onDuty")), "who is on duty now");
        assertEquals(List.of("张三", "李四"), people(ours.path("shifts")));
        assertEquals(List.of("王五"), people(roster(all, CITY_UNIT).path("onDuty")));
        assertEquals(List.of("130602-001"), units(JSON.readTree(get(DutyPart.ROSTERS + "?city=1306", officer()).body()).path("rosters")));
        assertEquals(List.of("130102-001"), units(JSON.readTree(get(DutyPart.ROSTERS + "?county=130102", officer()).body()).path("rosters")));
        HttpResponse<String> bad = get(DutyPart.ROSTERS + "?county=13x", officer());
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("county must be 6 digits, like 130602, got '13x'"), bad.body());
        assertEquals(200, get(DutyPart.ROSTERS, noc()).statusCode(), "the NOC sees who is on duty");
        assertEquals(403, get(DutyPart.ROSTERS, TestAccounts.basic("bd-tech")).statusCode());

        // another unit's box sends a roster naming this unit; this unit's box sends an older version: neither changes it
        long refusedBefore = count("SELECT COUNT(*) FROM duty_refusals WHERE field = 'roster.unit'");
        publishRoster(OTHER, new Roster(UNIT, 9, now, List.of(
                new Shift("day-1", now.minusSeconds(3600), now.plusSeconds(3600), ShiftRole.OFFICER, "冒充者", "0312-0000000"))));
        publishRoster(UNIT, new Roster(UNIT, 2, now, List.of(
                new Shift("old", now.minusSeconds(3600), now.plusSeconds(3600), ShiftRole.OFFICER, "旧人", "0312-0000001"))));
        // then a roster without its body: its refusal says the duty office has judged the two before it (one writer, in order)
        long bodyRefusals = count("SELECT COUNT(*) FROM duty_refusals WHERE field = 'roster.body'");
        publish(UNIT, DutyTopics.ROSTER, KuraPayloadCodec.encode(TestReports.withId(KuraPayload.builder().timestamp(now.toEpochMilli())
                .metrics(RosterPayload.encode(new Roster(UNIT, 5, now, List.of())).metrics()).build(), new MessageId("e2e", seq++))));
        Poll.until("the roster without body refused", 30_000,
                () -> uncheckedCount("SELECT COUNT(*) FROM duty_refusals WHERE field = 'roster.body'") == bodyRefusals + 1);
        assertEquals(refusedBefore + 1, count("SELECT COUNT(*) FROM duty_refusals WHERE field = 'roster.unit'"), "the forged one refused");
        JsonNode after = roster(JSON.readTree(get(DutyPart.ROSTERS, officer()).body()).path("rosters"), UNIT);
        assertEquals(3, after.path("version").asInt());
        assertEquals(List.of("张三", "李四"), people(after.path("shifts")));
        String refusals = get(DutyPart.REFUSALS, officer()).body();
        assertTrue(refusals.contains("forged sender: a roster of unit 130602-001 came from the box of 130602-002"), refusals);

        // the duty office's page shows both units and who is on duty
        String page = get("/duty", officer()).body();
        assertTrue(page.contains("id=\"roster-130602-001\"") && page.contains("张三 0312-1234567"), page);
        assertTrue(page.contains("id=\"roster-130102-001\"") && page.contains("王五"), page);
    }

    @Test
    void onlyDutyOfficersAcknowledgeAndNoBoxForgesTheProvincesReceipts() throws Exception {
        UnitCode unit = UnitCode.parse("130602-003"); // a unit of its own: no other test's acknowledgement changes its receipts
        DutyReport r = TestReports.initial(unit, Instant.now().minusSeconds(40), ReportLevel.LARGE);
        publish(unit, DutyReportPayload.encode(r));
        Poll.until("the report at the duty office", 30_000, () -> uncheckedReport(r.id()) != null);
        receiptsAsTheBox(unit, x -> x.receipts().stream().anyMatch(c -> c.reportId().equals(r.id())));

        // who may read may not acknowledge: the NOC, the auditor, a county technician, nobody unauthenticated
        String ack = DutyPart.REPORTS + "/" + r.id() + "/ack";
        assertEquals(403, post(ack, noc(), "{}").statusCode());
        assertEquals(403, post(ack, "Bearer " + ManagerFixture.AUDITOR_TOKEN, "{}").statusCode());
        assertEquals(403, post(ack, TestAccounts.basic("bd-tech"), "{}").statusCode());
        assertEquals(401, post(ack, "Basic " + java.util.Base64.getEncoder().encodeToString("nobody:wrong".getBytes(StandardCharsets.UTF_8)),
                "{}").statusCode());
        assertFalse(report(r.id()).path("acknowledged").asBoolean(), "nothing acknowledged it");
        assertEquals(0, count("SELECT COUNT(*) FROM audit_log WHERE action = 'duty.acknowledge' AND target = '" + r.id()
                + "' AND outcome = 'SUCCESS'"));

        // a box forges 'acknowledged' receipts on its own and on another unit's control topic: the broker refuses both
        Receipts forged = new Receipts(unit, Instant.now().plusSeconds(3600), List.of(new ReportReceipt(r.id(), Instant.now(), Instant.now(),
                "冒充的省值班员", 0, "省值班室")));
        byte[] payload = KuraPayloadCodec.encode(ReceiptsPayload.encode(forged));
        String topic = KuraTopic.control(SimulatedBox.ACCOUNT, unit.toString(), DutyTopics.APP, DutyTopics.RECEIPTS).toString();
        long refusedPublishes = aclRefusals();
        forge(unit, topic, payload);
        forge(OTHER, topic, payload);
        Poll.until("both publishes refused by the broker", 30_000, () -> aclRefusals() >= refusedPublishes + 2);
        Receipts retained = receiptsAsTheBox(unit, x -> true);
        assertTrue(retained.issuedAt().isBefore(forged.issuedAt()), "the retained receipts are still the manager's: " + retained);
        assertTrue(retained.receipts().stream().noneMatch(ReportReceipt::acknowledged), retained.toString());
    }

    @Test
    void malformedReportMessagesAreRefusedAndNothingIsStored() throws Exception {
        DutyReport first = TestReports.initial(UNIT, Instant.now().minusSeconds(50), ReportLevel.GENERAL);
        publish(UNIT, DutyReportPayload.encode(first));
        Poll.until("the 初报", 30_000, () -> uncheckedReport(first.id()) != null);
        long stored = count("SELECT COUNT(*) FROM duty_reports");
        long refusedBefore = count("SELECT COUNT(*) FROM duty_refusals");
        long malformedBefore = count("SELECT COUNT(*) FROM malformed");

        // not a KuraPayload at all: ingest's malformed log has it, the duty office never sees it
        publish(UNIT, DutyTopics.REPORT, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01});
        // a number as text, a level nobody knows, an identifier of another unit's code, a report of a 3,000-character title
        DutyReport one = TestReports.next(first, ReportKind.FOLLOW_UP, 1, 3);
        publish(UNIT, with(DutyReportPayload.encode(one), DutyReportPayload.NUMBER, "1"));
        publish(UNIT, with(DutyReportPayload.encode(one), DutyReportPayload.LEVEL, "VERY_BIG"));
        publish(UNIT, with(DutyReportPayload.encode(one), DutyReportPayload.ID, "13010200100000_20260101000000_0"));
        publish(UNIT, with(DutyReportPayload.encode(one), DutyReportPayload.TITLE, "题".repeat(3000)));
        Poll.until("four refusals and one malformed message", 30_000,
                () -> uncheckedCount("SELECT COUNT(*) FROM duty_refusals") >= refusedBefore + 4
                        && uncheckedCount("SELECT COUNT(*) FROM malformed") >= malformedBefore + 1);
        JsonNode refusals = JSON.readTree(get(DutyPart.REFUSALS, officer()).body()).path("refusals");
        List<String> fields = java.util.stream.StreamSupport.stream(refusals.spliterator(), false)
                .limit(4).map(n -> n.path("field").asText()).sorted().toList();
        assertEquals(List.of("id", "level", "number", "title"), fields, refusals.toString());
        assertTrue(refusals.toString().length() < 20_000, "a refusal names the field, it does not echo 3,000 characters back");
        assertEquals(stored, count("SELECT COUNT(*) FROM duty_reports"), "nothing stored changed");
        assertEquals(List.of(0), incidentNumbers(first.id()));
    }

    @Test
    void aReportAtItsBoundsInCharactersOutsideTheBasicPlaneIsTakenIn() throws Exception {
        // rare characters of names and places (CJK Extension B) are two UTF-16 units each: 4,000 characters, 8,000 units
        String rare = "𠀀".repeat(DutyReport.MAX_DESCRIPTION);
        DutyReport r = TestReports.initial(UNIT, Instant.now().minusSeconds(45), ReportLevel.GENERAL);
        DutyReport full = new DutyReport(r.id(), r.unit(), r.incident(), r.kind(), 0, r.level(), r.status(), r.category(), r.title(),
                r.occurredAt(), r.filedAt(), null, r.location(), rare, r.measures(), r.casualties(), r.reporter(), r.phone());
        publish(UNIT, DutyReportPayload.encode(full));
        Poll.until("the report at the duty office", 30_000, () -> uncheckedReport(full.id()) != null);
        assertEquals(rare, new DutyOfficeStore(m.database()).report(full.id()).orElseThrow().report().description());
    }

    /** A box (lab password) publishes on {@code topic}; the broker may drop the connection for it. */
    void forge(UnitCode as, String topic, byte[] payload) throws Exception {
        MqttClient c = new MqttClient(m.brokerUrl(), as.toString(), new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setUserName(as.toString());
        o.setPassword(ManagerFixture.labPassword(m, as.toString()).toCharArray());
        c.connect(o);
        c.setTimeToWait(5_000);
        try {
            c.publish(topic, payload, 1, true);
        } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
            // refused: the broker closed the connection
        } finally {
            try {
                c.disconnectForcibly(1_000, 1_000);
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                // already closed by the broker
            }
            c.close(true);
        }
    }

    List<Alarm> refusalAlarms() {
        try {
            return new AlarmStore(m.database()).latest(AlarmStore.MANAGER_CLIENT_ID, 200).stream()
                    .map(AlarmStore.StoredAlarm::alarm).filter(a -> a.kind().equals(DutyTopics.REFUSED)).toList();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    long aclRefusals() {
        return m.broker().aclRefusals();
    }

    static List<String> units(JsonNode rosters) {
        return java.util.stream.StreamSupport.stream(rosters.spliterator(), false).map(n -> n.path("unit").asText()).sorted().toList();
    }

    static JsonNode roster(JsonNode rosters, UnitCode unit) {
        return java.util.stream.StreamSupport.stream(rosters.spliterator(), false).filter(n -> n.path("unit").asText().equals(unit.toString()))
                .findFirst().orElseThrow(() -> new AssertionError("no roster of " + unit + " in " + rosters));
    }

    static List<String> people(JsonNode shifts) {
        return java.util.stream.StreamSupport.stream(shifts.spliterator(), false).map(n -> n.path("person").asText()).toList();
    }

    Receipts receiptsAsTheBox(UnitCode unit, java.util.function.Predicate<Receipts> wanted) throws Exception {
        BlockingQueue<byte[]> got = new ArrayBlockingQueue<>(16);
        MqttClient c = new MqttClient(m.brokerUrl(), unit.toString(), new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setUserName(unit.toString());
        o.setPassword(ManagerFixture.labPassword(m, unit.toString()).toCharArray());
        c.connect(o);
        try {
            c.subscribe(KuraTopic.control(SimulatedBox.ACCOUNT, unit.toString(), DutyTopics.APP, DutyTopics.RECEIPTS).toString(), 1,
                    (topic, msg) -> got.offer(msg.getPayload()));
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                byte[] b = got.poll(1, TimeUnit.SECONDS);
                if (b != null) {
                    Receipts r = ReceiptsPayload.decode(KuraPayloadCodec.decode(b));
                    if (wanted.test(r)) {
                        return r;
                    }
                }
            }
            throw new AssertionError("no receipts as wanted reached the box");
        } finally {
            c.disconnect();
            c.close();
        }
    }

    List<Integer> incidentNumbers(String incident) throws Exception {
        JsonNode v = JSON.readTree(get(DutyPart.REPORTS + "/" + incident, officer()).body()).path("incident");
        return java.util.stream.StreamSupport.stream(v.spliterator(), false).map(n -> n.path("number").asInt()).toList();
    }

    JsonNode uncheckedReport(String id) {
        try {
            return report(id);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    long count(String sql) throws Exception {
        try (Connection c = m.database().connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    long uncheckedCount(String sql) {
        try {
            return count(sql);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static KuraPayload with(KuraPayload p, String metric, Object value) {
        return KuraPayload.builder().timestamp(p.timestamp()).metrics(p.metrics()).metric(metric, value).build();
    }

    static KuraPayload without(KuraPayload p, String metric) {
        Map<String, Object> x = new java.util.LinkedHashMap<>(p.metrics());
        x.remove(metric);
        return KuraPayload.builder().timestamp(p.timestamp()).metrics(x).build();
    }

    /**
     * The province's duty officer acknowledges (签收) on the page: it must show what the report says (where,
     * what happened, casualties, measures, who to call back), not only its title and times; the content
     * was only in the CAP XML download.
     */
    @Test
    void thePageShowsWhatAWaitingReportSaysBeforeItIsAcknowledged() throws Exception {
        DutyReport r = TestReports.initial(UNIT, Instant.now().minusSeconds(10), ReportLevel.LARGE);
        publish(UNIT, DutyReportPayload.encode(r));
        Poll.until("the report at the duty office", 30_000, () -> uncheckedReport(r.id()) != null);
        String page = get("/duty", officer()).body();
        String row = page.substring(page.indexOf("id=\"report-" + r.id() + "\""));
        row = row.substring(0, row.indexOf("</tr>"));
        for (String shown : List.of("竞秀区朝阳南大街12号", "储罐区爆炸,现场已疏散", "死亡 0, 受伤 3, 失踪 1", "消防到场处置", "张三 0312-1234567")) {
            assertTrue(row.contains(shown), shown + " in " + row);
        }
    }

    /** What a box files is text: markup in a report's title or description is shown as written, never run. */
    @Test
    void markupInAReportIsShownEscaped() throws Exception {
        String markup = "<img src=x onerror=alert(1)>";
        DutyReport t = TestReports.initial(UNIT, Instant.now().minusSeconds(10), ReportLevel.LARGE);
        DutyReport r = new DutyReport(t.id(), t.unit(), t.incident(), t.kind(), t.number(), t.level(), t.status(), t.category(),
                "标题 " + markup, t.occurredAt(), t.filedAt(), null, t.location(), "情况 " + markup, t.measures(), t.casualties(),
                t.reporter(), t.phone());
        publish(UNIT, DutyReportPayload.encode(r));
        Poll.until("the report at the duty office", 30_000, () -> uncheckedReport(r.id()) != null);
        String page = get("/duty", officer()).body();
        String row = page.substring(page.indexOf("id=\"report-" + r.id() + "\""));
        row = row.substring(0, row.indexOf("</tr>"));
        assertTrue(row.contains("标题 &lt;img src=x onerror=alert(1)&gt;") && row.contains("情况 &lt;img src=x onerror=alert(1)&gt;"), row);
        assertFalse(page.contains(markup), "no markup from a box reaches the page as markup");
    }
}
