package cn.egov.manager.noc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.AlarmCatalogue;
import cn.egov.manager.account.Role;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.Poll;
import cn.egov.manager.support.SimulatedBox;
import cn.egov.manager.support.TestAccounts;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NOC part over HTTP with real boxes (MQTT through the embedded broker): the tree and its
 * indicators follow what the boxes report; only NOC operators acknowledge, assign and comment
 * (auditors and technicians 403, audited); a session's write without or with a forged CSRF token is
 * refused; a technician sees his county's units and alarms only, and another county's answer is the
 * one for a unit that does not exist.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NocWebTest {

    @TempDir
    static Path dir;

    private ManagerAssembly m;
    private final List<SimulatedBox> boxes = new ArrayList<>();
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void twoCountiesReport() throws Exception {
        m = ManagerAssembly.start(ManagerFixture.withPlan(ManagerFixture.config(dir)), ManagerAssembly.Options.defaults());
        TestAccounts.add(m.database(), "noc-li", Role.NOC);
        TestAccounts.add(m.database(), "aud-zhao", Role.AUDITOR);
        TestAccounts.add(m.database(), "jx-tech", Role.TECHNICIAN, "130602");
        TestAccounts.add(m.database(), "zz-tech", Role.TECHNICIAN, "130681");
        SimulatedBox jx = box("130602-001");
        SimulatedBox zz = box("130681-003");
        long now = System.currentTimeMillis();
        for (SimulatedBox b : List.of(jx, zz)) {
            b.birth(60);
            b.health();
        }
        NocBoxes.report(jx, "VPN", "tunnel", Map.of("state", "UP", "hub", "hub.hebei"));
        NocBoxes.report(zz, "VPN", "tunnel", Map.of("state", "DOWN", "last_error", "no answer from the hub"));
        NocBoxes.report(jx, "PKI", "certificate", Map.of("enrolled", true, "serial", "1A2B", "not_after", now + 86_400_000L * 300,
                "renew_at", now + 86_400_000L * 200));
        NocBoxes.report(jx, "ISOLATION", "policy", Map.of("policy_state", "IN_FORCE", "policy_version", "2026.1", "policy_drift", false,
                "policy_verified_at", now, "route_state", "NO_ROUTE"));
        NocBoxes.report(jx, "ADDRESSPLAN", "check", Map.of("conforms", false, "findings", 2L));
        NocBoxes.alarm(jx, new Alarm("isolation.outbound", Alarm.Severity.MAJOR, "isolation", "an internal host reached the Internet",
                Map.of("host", "10.6.8.9"), now));
        NocBoxes.alarm(zz, new Alarm("vpn.down", Alarm.Severity.CRITICAL, "vpn", "tunnel down", Map.of(), now));
        NocBoxes.alarm(jx, new Alarm("outbox.eviction", Alarm.Severity.WARNING, "telemetry", "the outbox evicts", Map.of(), now));
        for (SimulatedBox b : boxes) {
            b.flush();
        }
        Poll.until("both boxes' alarms stored", 30_000, () -> {
            try {
                return get("/api/noc/alarms", "Bearer " + ManagerFixture.NOC_TOKEN).body().contains("vpn.down")
                        && get("/api/noc/alarms", "Bearer " + ManagerFixture.NOC_TOKEN).body().contains("isolation.outbound")
                        && get("/api/noc/alarms", "Bearer " + ManagerFixture.NOC_TOKEN).body().contains("outbox.eviction");
            } catch (Exception e) {
                return false;
            }
        });
        Poll.until("the reports in the overview", 30_000, () -> {
            try {
                return get("/api/noc/units/130681-003", "Bearer " + ManagerFixture.NOC_TOKEN).body().contains("no answer from the hub");
            } catch (Exception e) {
                return false;
            }
        });
    }

    private SimulatedBox box(String unit) throws Exception {
        SimulatedBox b = SimulatedBox.lab(m, unit).connect();
        boxes.add(b);
        return b;
    }

    @AfterAll
    void stop() throws Exception {
        for (SimulatedBox b : boxes) {
            b.close();
        }
        if (m != null) {
            m.close();
        }
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(m.webUrl() + path)).header("Authorization", authorization).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String authorization, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(m.webUrl() + path)).header("Authorization", authorization)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode alarms(String authorization, String query) throws Exception {
        HttpResponse<String> r = get("/api/noc/alarms" + query, authorization);
        assertEquals(200, r.statusCode(), r.body());
        return json.readTree(r.body());
    }

    private String alarmId(String kind) throws Exception {
        for (JsonNode a : alarms("Bearer " + ManagerFixture.NOC_TOKEN, "")) {
            if (a.get("kind").asText().equals(kind)) {
                return a.get("id").asText();
            }
        }
        throw new AssertionError("no alarm " + kind);
    }

    @Test
    void theTreeShowsEachUnitsIndicatorsAndEachNodesCounts() throws Exception {
        JsonNode o = json.readTree(get("/api/noc/overview?county=130602", "Bearer " + ManagerFixture.NOC_TOKEN).body());
        assertEquals(9, o.get("counts").get("units").asInt(), "the nine units of the plan in force");
        assertEquals(2, o.get("counts").get("connected").asInt());
        JsonNode baoding = null;
        for (JsonNode c : o.get("cities")) {
            if (c.get("code").asText().equals("1306")) {
                baoding = c;
            }
        }
        assertEquals("保定市", baoding.get("name").asText());
        assertEquals(7, baoding.get("counts").get("units").asInt());
        assertEquals(1, baoding.get("counts").get("aspects").get("tunnel").get("OK").asInt());
        assertEquals(1, baoding.get("counts").get("aspects").get("tunnel").get("BAD").asInt());
        JsonNode jingxiu = null;
        for (JsonNode k : baoding.get("counties")) {
            if (k.get("code").asText().equals("130602")) {
                jingxiu = k;
            }
            if (k.get("code").asText().equals("130681")) {
                assertFalse(k.has("units"), "only the county asked for lists its units");
            }
        }
        JsonNode unit = null;
        for (JsonNode u : jingxiu.get("units")) {
            if (u.get("unit").asText().equals("130602-001")) {
                unit = u;
            }
        }
        JsonNode ind = unit.get("indicators");
        assertEquals("OK", ind.get("box").asText());
        assertEquals("OK", ind.get("tunnel").asText());
        assertEquals("BAD", ind.get("policy").asText(), "an open MAJOR isolation alarm makes the verified policy a fault");
        assertEquals("WARN", ind.get("plan").asText());
        assertEquals("OK", ind.get("certificate").asText());
        assertEquals("NONE", ind.get("portal").asText());

        JsonNode zz = json.readTree(get("/api/noc/units/130681-003", "Bearer " + ManagerFixture.NOC_TOKEN).body());
        assertEquals("BAD", zz.get("indicators").get("tunnel").get("level").asText());
        assertTrue(zz.get("indicators").get("tunnel").get("text").asText().contains("no answer from the hub"));
    }

    @Test
    void aTechnicianSeesHisCountysUnitsAndAlarmsOnly() throws Exception {
        String jx = TestAccounts.basic("jx-tech");
        JsonNode o = json.readTree(get("/api/noc/overview", jx).body());
        assertEquals(1, o.get("cities").size());
        assertEquals(1, o.get("cities").get(0).get("counties").size());
        assertEquals("130602", o.get("cities").get(0).get("counties").get(0).get("code").asText());
        assertEquals(3, o.get("counts").get("units").asInt(), "130602-000, -001 and -002");
        assertFalse(o.toString().contains("130681"));

        JsonNode list = alarms(jx, "?state=all");
        assertTrue(list.size() >= 1);
        for (JsonNode a : list) {
            assertTrue(a.get("clientId").asText().startsWith("130602-"), a.toString());
        }
        HttpResponse<String> other = get("/api/noc/units/130681-003", jx);
        HttpResponse<String> absent = get("/api/noc/units/130602-999", jx);
        assertEquals(404, other.statusCode());
        assertEquals(absent.statusCode(), other.statusCode());
        assertEquals(absent.body().replace("130602-999", "X"), other.body().replace("130681-003", "X"), "the same answer as for no unit");
        assertEquals(404, get("/api/noc/units/130681-003/series?metric=cpu_load", jx).statusCode());
        String zzAlarm = alarmId("vpn.down");
        assertEquals(404, get("/api/noc/alarms/" + zzAlarm, jx).statusCode());
        assertEquals(200, get("/api/noc/alarms/" + zzAlarm, TestAccounts.basic("zz-tech")).statusCode());
        assertEquals(404, get("/noc/units/130681-003", jx).statusCode(), "the page too");
    }

    @Test
    void onlyTheNocActsOnAlarmsAndEveryActionIsAudited() throws Exception {
        String id = alarmId("outbox.eviction");
        HttpResponse<String> auditor = post("/api/noc/alarms/" + id + "/ack", "Bearer " + ManagerFixture.AUDITOR_TOKEN, "{}");
        assertEquals(403, auditor.statusCode(), auditor.body());
        assertEquals(403, post("/api/noc/alarms/" + id + "/comments", TestAccounts.basic("aud-zhao"), "{\"text\":\"x\"}").statusCode());
        assertEquals(403, post("/api/noc/alarms/" + id + "/ack", TestAccounts.basic("jx-tech"), "{}").statusCode(),
                "a technician reads his county's alarms, he does not acknowledge them");
        assertEquals("open", json.readTree(get("/api/noc/alarms/" + id, "Bearer " + ManagerFixture.NOC_TOKEN).body()).get("state").asText());

        String noc = TestAccounts.basic("noc-li");
        HttpResponse<String> ack = post("/api/noc/alarms/" + id + "/ack", noc, "{}");
        assertEquals(200, ack.statusCode(), ack.body());
        JsonNode a = json.readTree(ack.body());
        assertEquals("acknowledged", a.get("state").asText());
        assertEquals("noc-li", a.get("acknowledgedBy").asText());
        HttpResponse<String> again = post("/api/noc/alarms/" + id + "/ack", "Bearer " + ManagerFixture.NOC_TOKEN, "{}");
        assertEquals(409, again.statusCode());
        assertTrue(again.body().contains("noc-li"), again.body());

        assertEquals(400, post("/api/noc/alarms/" + id + "/assign", noc, "{\"assignee\":\"zz-tech\"}").statusCode(),
                "zz-tech cannot see a 130602 alarm");
        assertEquals(400, post("/api/noc/alarms/" + id + "/assign", noc, "{\"assignee\":\"aud-zhao\"}").statusCode());
        assertEquals(200, post("/api/noc/alarms/" + id + "/assign", noc, "{\"assignee\":\"jx-tech\"}").statusCode());
        assertEquals(400, post("/api/noc/alarms/" + id + "/comments", noc, "{\"text\":\"bad \\u001b[31m\"}").statusCode());
        assertEquals(400, post("/api/noc/alarms/" + id + "/comments", noc, "{\"text\":\"" + "长".repeat(2001) + "\"}").statusCode());
        HttpResponse<String> comment = post("/api/noc/alarms/" + id + "/comments", noc, "{\"text\":\"已通知竞秀区技术员\\n<b>check</b>\"}");
        assertEquals(200, comment.statusCode(), comment.body());
        JsonNode detail = json.readTree(get("/api/noc/alarms/" + id, TestAccounts.basic("jx-tech")).body());
        assertEquals("jx-tech", detail.get("assignee").asText());
        assertEquals("noc-li", detail.get("assignedBy").asText());
        assertEquals("已通知竞秀区技术员\n<b>check</b>", detail.get("comments").get(0).get("body").asText());
        assertEquals("noc-li", detail.get("comments").get(0).get("author").asText());

        List<AuditEntry> log = new AuditLog(m.database()).newest(100);
        assertTrue(log.stream().anyMatch(e -> e.actor().equals("noc-li") && e.action().equals("noc.alarm.acknowledge")
                && e.outcome() == AuditEntry.Outcome.SUCCESS));
        assertTrue(log.stream().anyMatch(e -> e.action().equals("noc.alarm.acknowledge") && e.outcome() == AuditEntry.Outcome.REFUSED
                && e.detail().contains("already acknowledged")));
        assertTrue(log.stream().anyMatch(e -> e.actor().equals("noc-li") && e.action().equals("noc.alarm.assign")
                && e.outcome() == AuditEntry.Outcome.SUCCESS && e.detail().contains("jx-tech")));
        assertTrue(log.stream().anyMatch(e -> e.actor().equals("noc-li") && e.action().equals("noc.alarm.comment")
                && e.outcome() == AuditEntry.Outcome.SUCCESS));
        assertTrue(log.stream().anyMatch(e -> e.actor().equals("auditor") && e.role().equals("auditor")
                && e.target().equals("/api/noc/alarms/" + id + "/ack") && e.outcome() == AuditEntry.Outcome.REFUSED),
                "the auditor's refused acknowledgement is in the audit log");
        assertTrue(log.stream().anyMatch(e -> e.actor().equals("jx-tech") && e.outcome() == AuditEntry.Outcome.REFUSED));
        for (JsonNode x : alarms("Bearer " + ManagerFixture.NOC_TOKEN, "?state=open")) {
            assertFalse(x.get("id").asText().equals(id), "an acknowledged alarm has left the open list");
        }
    }

    @Test
    void aSessionsWriteWithoutOrWithAForgedCsrfTokenIsRefused() throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        String form = browser.send(HttpRequest.newBuilder(URI.create(m.webUrl() + "/login")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String loginToken = field(form, "_login");
        String body = "_login=" + enc(loginToken) + "&user=noc-li&password=" + enc(TestAccounts.PASSWORD) + "&next=%2Fnoc";
        HttpResponse<String> login = browser.send(HttpRequest.newBuilder(URI.create(m.webUrl() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(303, login.statusCode(), login.body());
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create(m.webUrl() + "/noc/alarms")).header("Accept", "text/html")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode(), page.headers().map() + " / " + login.headers().map());
        String csrf = field(page.body(), "_csrf");
        String id = alarmId("vpn.down");
        String path = m.webUrl() + "/api/noc/alarms/" + id + "/comments";
        HttpRequest.Builder write = HttpRequest.newBuilder(URI.create(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"csrf test\"}"));
        assertEquals(403, browser.send(write.build(), HttpResponse.BodyHandlers.ofString()).statusCode(), "no token");
        assertEquals(403, browser.send(HttpRequest.newBuilder(URI.create(path)).header("Content-Type", "application/json")
                .header("X-CSRF-Token", csrf.substring(1) + "x").POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"csrf test\"}"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode(), "a forged token");
        assertEquals(0, json.readTree(get("/api/noc/alarms/" + id, "Bearer " + ManagerFixture.NOC_TOKEN).body()).get("comments").size(),
                "nothing written");
        HttpResponse<String> ok = browser.send(HttpRequest.newBuilder(URI.create(path)).header("Content-Type", "application/json")
                .header("X-CSRF-Token", csrf).POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"csrf test\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode(), ok.body());
        assertTrue(new AuditLog(m.database()).newest(100).stream().anyMatch(e -> e.actor().equals("noc-li")
                && e.outcome() == AuditEntry.Outcome.REFUSED && e.detail().contains("CSRF")));
    }

    @Test
    void theAlarmListNamesEachKindInChineseAndTheAlarmsPageSaysWhatToDo() throws Exception {
        String noc = "Bearer " + ManagerFixture.NOC_TOKEN;
        HttpResponse<String> list = get("/noc/alarms?state=all", noc);
        assertEquals(200, list.statusCode(), list.body());
        assertTrue(list.body().contains("<td class=\"kind\">违规外联 isolation.outbound</td>")
                && list.body().contains("<td class=\"kind\">隧道中断 vpn.down</td>"), list.body());
        String id = alarmId("isolation.outbound");
        HttpResponse<String> detail = get("/noc/alarms/" + id, noc);
        assertEquals(200, detail.statusCode(), detail.body());
        assertTrue(detail.body().contains("<td id=\"alarm-kind\">违规外联 isolation.outbound</td>")
                && detail.body().contains("<td id=\"alarm-advice\">" + AlarmCatalogue.of("isolation.outbound").advice() + "</td>")
                && detail.body().contains("an internal host reached the Internet"), "the Chinese beside the box's own sentence: " + detail.body());
    }

    @Test
    void badFiltersAndUnknownMetricsAreOneClearLine() throws Exception {
        String noc = "Bearer " + ManagerFixture.NOC_TOKEN;
        HttpResponse<String> r = get("/api/noc/alarms?state=closed", noc);
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("state must be open, acknowledged, cleared or all"), r.body());
        HttpResponse<String> county = get("/api/noc/alarms?county=13060", noc);
        assertEquals(400, county.statusCode());
        assertEquals("{\"error\":\"county must be 6 digits, like 130602, got '13060'\"}", county.body(), "digits, not a regular expression");
        HttpResponse<String> page = get("/noc/alarms?unit=130602-01&county=130602", noc);
        assertEquals(400, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html")
                && page.body().contains("未筛选 Not filtered: unit must be a unit code like 130602-001, got '130602-01'")
                && page.body().contains("name=\"unit\" size=\"10\" value=\"130602-01\""), "the filter form back with what was typed: " + page.body());
        assertEquals(400, get("/api/noc/units/130602-001/series?metric=evil", noc).statusCode());
        assertEquals(400, get("/api/noc/units/130602-001/series?metric=cpu_load&hours=999999", noc).statusCode());
        assertEquals(404, get("/api/noc/alarms/not-an-alarm", noc).statusCode());
    }

    private static String field(String html, String name) {
        Matcher matcher = Pattern.compile("name=\"" + name + "\" value=\"([^\"]+)\"").matcher(html);
        assertTrue(matcher.find(), "no " + name + " in the page");
        return matcher.group(1);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
