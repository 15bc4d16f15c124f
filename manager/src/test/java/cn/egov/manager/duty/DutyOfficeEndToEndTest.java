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
        m = ManagerAssembly.start(new ManagerConfig("test", fixture.values(), Map.of(
                "duty.escalation", "市值班室=2s, 省值班室=2s", "duty.escalation.repeat", "0", "duty.check-period-s", "1")),
                ManagerAssembly.Options.defaults());
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
        try (SimulatedBox box = SimulatedBox.lab(m, from.toString()).connect()) {
            box.publish(KuraTopic.telemetry(SimulatedBox.ACCOUNT, from.toString(), DutyTopics.APP, DutyTopics.REPORT).toString(),
                    KuraPayloadCodec.encode(TestReports.withId(p, new MessageId("e2e", seq++))));
            box.flush();
        }
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
        List<Alarm> alarms = new AlarmStore(m.database()).latest(AlarmStore.MANAGER_CLIENT_ID, 200).stream()
                .map(AlarmStore.StoredAlarm::alarm).filter(a -> a.kind().equals(DutyTopics.REFUSED)).toList();
        assertTrue(alarms.size() >= 5, alarms.toString());
        assertTrue(alarms.stream().anyMatch(a -> "130602-002".equals(a.evidence().get("unit")) && "unit".equals(a.evidence().get("field"))));

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
        // repeat 0: the chain is spent, no second alarm for it
        assertEquals("", v.path("nextEscalationAt").asText(""));
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
}
