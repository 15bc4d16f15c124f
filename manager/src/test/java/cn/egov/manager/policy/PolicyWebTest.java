package cn.egov.manager.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.account.Role;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.Poll;
import cn.egov.manager.support.SimulatedBox;
import cn.egov.manager.support.TestAccounts;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two boxes report their isolation policy and alarms over MQTT (the wire form the box's
 * enforcement uses: {@code ISOLATION/policy} metrics from {@link BoxMetrics}, {@link Alarm#toPayload()});
 * the manager shows per-unit state and filters the alarm list by city, county, unit and kind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyWebTest {

    static final String BAODING = "130602-001";
    static final String SHIJIAZHUANG = "130105-001";
    /** What a box's drift alarm names, one difference per line (as PolicyEnforcement raises it). */
    static final String DRIFT = "chain forward: rule added at position 1: 'accept' (no comment)\n"
            + "chain fwd_from_external rule 1 (\"10-zones.policy:18 zone internet-access\") changed: policy has "
            + "'oifname @if_internet_access jump fwd_external__internet_access', live has 'jump fwd_external__internet_access'\n"
            + "set net_backbone_v4: 1 element(s) missing: 10.200.0.0/16; 1 element(s) added: 10.201.0.0/16";

    // static: with a per-class lifecycle JUnit fills instance @TempDir fields only before each test, after @BeforeAll
    @TempDir
    static Path dir;

    private ManagerAssembly m;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    void twoBoxesReport() throws Exception {
        m = ManagerFixture.start(dir);
        TestAccounts.add(m.database(), "bd-tech", Role.TECHNICIAN, "130602");
        TestAccounts.add(m.database(), "duty", Role.DUTY_OFFICER);
        long now = System.currentTimeMillis();
        try (SimulatedBox a = SimulatedBox.lab(m, BAODING).connect();
             SimulatedBox b = SimulatedBox.lab(m, SHIJIAZHUANG).connect()) {
            a.birth(60);
            b.birth(60);
            Ids ia = new Ids();
            Ids ib = new Ids();
            policy(a, ia, "2026.11-1", "IN_FORCE", false, now);
            alarm(a, ia, new Alarm("isolation.denied", Alarm.Severity.CRITICAL, "isolation",
                    "tcp 10.1.0.2 -> 198.51.100.2:9 on eth1 denied by never internal-internet (30-rules.policy:3)",
                    Map.of("rule", "never internal-internet", "source", "10.1.0.2", "destination", "198.51.100.2"), now));
            alarm(a, ia, new Alarm("isolation.policy.drift", Alarm.Severity.CRITICAL, "isolation",
                    "the firewall table differs from policy", Map.of("differences", DRIFT), now));
            policy(a, ia, "2026.11-1", "DRIFT", true, now);
            policy(b, ib, "2026.10-3", "IN_FORCE", false, now);
            alarm(b, ib, new Alarm("isolation.denied", Alarm.Severity.MAJOR, "isolation", "udp 10.3.0.5 -> 192.0.2.9:53 denied",
                    Map.of("rule", "default deny (forward)"), now));
            alarm(b, ib, new Alarm("vpn.down", Alarm.Severity.MAJOR, "vpn", "tunnel down", Map.of(), now));
            a.flush();
            b.flush();
        }
        String[] seen = {""};
        try {
            Poll.until("policy reports stored", 30_000, () -> {
                try {
                    String u = get("/api/policy/units", "noc", ManagerFixture.NOC_TOKEN).body();
                    String al = get("/api/policy/alarms", "noc", ManagerFixture.NOC_TOKEN).body();
                    seen[0] = u + "\n" + al;
                    JsonNode units = json.readTree(u).get("units");
                    JsonNode alarms = json.readTree(al).get("alarms");
                    return units.size() == 2 && alarms.size() == 3 && "DRIFT".equals(units.get(1).get("state").asText());
                } catch (Exception e) {
                    seen[0] = e.toString();
                    return false;
                }
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last answer: " + seen[0], e);
        }
    }

    /** Message ids of one simulated outbox, independent of SimulatedBox's own. */
    private static final class Ids {
        final String epoch = UUID.randomUUID().toString();
        long seq;
    }

    private static void policy(SimulatedBox box, Ids ids, String version, String state, boolean drift, long now) throws Exception {
        box.publish(KuraTopic.telemetry(SimulatedBox.ACCOUNT, box.clientId(), BoxMetrics.ISOLATION_APP, BoxMetrics.POLICY_RESOURCE).toString(),
                KuraPayloadCodec.encode(KuraPayload.builder().timestamp(now)
                        .metric(BoxMetrics.POLICY_NAME, "hebei-baseline").metric(BoxMetrics.POLICY_VERSION, version)
                        .metric(BoxMetrics.POLICY_SHA256, "0d417fd511c9c134052f2ac44a9f7e22091791939f2e391c748db9f097d42dbb")
                        .metric(BoxMetrics.POLICY_STATE, state).metric(BoxMetrics.POLICY_DRIFT, drift)
                        .metric(BoxMetrics.POLICY_APPLIED_AT, now - 60_000).metric(BoxMetrics.POLICY_VERIFIED_AT, now - 1_000)
                        .metric(BoxMetrics.ROUTE_STATE, drift ? "FINDINGS" : "NO_ROUTE").metric(BoxMetrics.ROUTE_FINDINGS, drift ? 2L : 0L)
                        .metric(BoxMetrics.ROUTE_CHECKED_AT, now - 2_000)
                        .metric(MessageId.EPOCH_METRIC, ids.epoch).metric(MessageId.SEQUENCE_METRIC, ids.seq++).build()));
    }

    private static void alarm(SimulatedBox box, Ids ids, Alarm a) throws Exception {
        KuraPayload p = KuraPayload.builder().timestamp(a.time()).metrics(a.toPayload().metrics())
                .metric(MessageId.EPOCH_METRIC, ids.epoch).metric(MessageId.SEQUENCE_METRIC, ids.seq++).build();
        box.publish(KuraTopic.telemetry(SimulatedBox.ACCOUNT, box.clientId(), Alarm.APP_ID, a.kind()).toString(), KuraPayloadCodec.encode(p));
    }

    @AfterAll
    void stop() {
        if (m != null) {
            m.close();
        }
    }

    private HttpResponse<String> get(String path, String user, String secret) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(m.webUrl() + path));
        if (user != null) {
            r.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode units(String query) throws Exception {
        HttpResponse<String> r = get("/api/policy/units" + query, "noc", ManagerFixture.NOC_TOKEN);
        assertEquals(200, r.statusCode(), r.body());
        return json.readTree(r.body()).get("units");
    }

    private JsonNode alarms(String query) throws Exception {
        HttpResponse<String> r = get("/api/policy/alarms" + query, "auditor", ManagerFixture.AUDITOR_TOKEN);
        assertEquals(200, r.statusCode(), r.body());
        return json.readTree(r.body()).get("alarms");
    }

    @Test
    void perUnitPolicyVerificationDriftAndAlarmsOfTheDay() throws Exception {
        JsonNode units = json.readTree(get("/api/policy/units", "noc", ManagerFixture.NOC_TOKEN).body()).get("units");
        JsonNode sjz = units.get(0);
        JsonNode bd = units.get(1);
        assertEquals(SHIJIAZHUANG, sjz.get("unit").asText());
        assertEquals("2026.10-3", sjz.get("version").asText());
        assertEquals(false, sjz.get("drift").asBoolean());
        assertEquals(1, sjz.get("alarms24h").asInt(), "vpn.down is not an isolation alarm");
        assertEquals(BAODING, bd.get("unit").asText());
        assertEquals("DRIFT", bd.get("state").asText(), "the latest report wins");
        assertTrue(bd.get("drift").asBoolean());
        assertEquals(2, bd.get("alarms24h").asInt());
        assertTrue(bd.get("verifiedAt").asLong() > 0);
        assertEquals("NO_ROUTE", sjz.get("routeState").asText());
        assertEquals("FINDINGS", bd.get("routeState").asText());
        assertEquals(2, bd.get("routeFindings").asLong());
        assertTrue(bd.get("routeCheckedAt").asLong() > 0);
        JsonNode one = json.readTree(get("/api/policy/units/" + BAODING, "noc", ManagerFixture.NOC_TOKEN).body());
        assertEquals(2, one.get("alarms").size());
        assertEquals(404, get("/api/policy/units/130699-999", "noc", ManagerFixture.NOC_TOKEN).statusCode());
    }

    @Test
    void provinceAlarmListFiltersByCityCountyUnitAndKind() throws Exception {
        assertEquals(3, alarms("").size());
        assertEquals(2, alarms("?city=1306").size());
        assertEquals(2, alarms("?county=130602").size());
        assertEquals(1, alarms("?city=1301").size());
        assertEquals(0, alarms("?county=130603").size());
        JsonNode denied = alarms("?kind=isolation.denied");
        assertEquals(2, denied.size());
        JsonNode bdDenied = alarms("?city=1306&kind=isolation.denied");
        assertEquals(1, bdDenied.size());
        assertEquals("10.1.0.2", bdDenied.get(0).get("alarm").get("evidence").get("source").asText());
        assertEquals(1, alarms("?unit=" + BAODING + "&kind=isolation.policy.drift").size());
        assertEquals(400, get("/api/policy/alarms?city=13x", "noc", ManagerFixture.NOC_TOKEN).statusCode());
        assertEquals(400, get("/api/policy/alarms?hours=0", "noc", ManagerFixture.NOC_TOKEN).statusCode());
    }

    @Test
    void theUnitListFiltersByCityCountyAndUnitAndRefusesAMalformedFilterInsteadOfAnsweringAllUnits() throws Exception {
        assertEquals(2, units("").size());
        assertEquals(BAODING, units("?county=130602").get(0).get("unit").asText());
        assertEquals(1, units("?county=130602").size());
        assertEquals(1, units("?city=1301").size());
        assertEquals(0, units("?county=130603").size());
        assertEquals(1, units("?unit=" + SHIJIAZHUANG).size());
        for (String[] c : new String[][] {{"county=abc", "county must be 6 digits, like 130602, got 'abc'"},
                {"city=13x", "city must be 4 digits, like 1306, got '13x'"},
                {"unit=130602-1", "unit must be a unit code like 130602-001, got '130602-1'"}}) {
            HttpResponse<String> r = get("/api/policy/units?" + c[0], "noc", ManagerFixture.NOC_TOKEN);
            assertEquals(400, r.statusCode(), c[0] + ": " + r.body());
            assertEquals(c[1], json.readTree(r.body()).get("error").asText());
        }
    }

    @Test
    void aMistypedFilterOnThePageGivesThePageBackWithTheReasonNotAJsonBody() throws Exception {
        String typed = "<b>" + "9".repeat(60);
        HttpResponse<String> r = get("/policy?county=" + java.net.URLEncoder.encode(typed, StandardCharsets.UTF_8), "noc",
                ManagerFixture.NOC_TOKEN);
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), r.headers().toString());
        assertTrue(r.body().contains("id=\"units\"") && r.body().contains(BAODING), "the page, with its units: " + r.body());
        assertTrue(r.body().contains("id=\"filter-problem\""), r.body());
        assertTrue(r.body().contains("county must be 6 digits, like 130602, got '&lt;b&gt;" + "9".repeat(37) + "…'"),
                "named, escaped and cut to 40 characters: " + r.body());
        assertTrue(!r.body().contains("<b>9"), "never the value as HTML");
        HttpResponse<String> hours = get("/policy?hours=0", "noc", ManagerFixture.NOC_TOKEN);
        assertEquals(400, hours.statusCode());
        assertTrue(hours.body().contains("hours must be a whole number from 1 to 4392, got") && hours.body().contains("id=\"units\""),
                hours.body());
        assertEquals(200, get("/policy?county=130602", "noc", ManagerFixture.NOC_TOKEN).statusCode());
    }

    @Test
    void aTechnicianSeesTheUnitsOfItsCountyOnlyAndOthersLookAbsent() throws Exception {
        String tech = "bd-tech";
        JsonNode units = json.readTree(get("/api/policy/units", tech, TestAccounts.PASSWORD).body()).get("units");
        assertEquals(1, units.size(), units.toString());
        assertEquals(BAODING, units.get(0).get("unit").asText());
        assertEquals(200, get("/api/policy/units/" + BAODING, tech, TestAccounts.PASSWORD).statusCode());
        // another county's unit that reported, and one that never existed: the same answer
        HttpResponse<String> other = get("/api/policy/units/" + SHIJIAZHUANG, tech, TestAccounts.PASSWORD);
        HttpResponse<String> none = get("/api/policy/units/130105-999", tech, TestAccounts.PASSWORD);
        assertEquals(404, other.statusCode());
        assertEquals(none.statusCode(), other.statusCode());
        assertEquals(none.body().replace("130105-999", "X"), other.body().replace(SHIJIAZHUANG, "X"));
        JsonNode alarms = json.readTree(get("/api/policy/alarms", tech, TestAccounts.PASSWORD).body()).get("alarms");
        assertEquals(2, alarms.size(), "only the Baoding unit's isolation alarms: " + alarms);
        assertEquals(0, json.readTree(get("/api/policy/alarms?city=1301", tech, TestAccounts.PASSWORD).body()).get("alarms").size());
        String page = get("/policy", tech, TestAccounts.PASSWORD).body();
        assertTrue(page.contains(BAODING) && !page.contains(SHIJIAZHUANG) && !page.contains("10.3.0.5"), page);
        assertFalse(page.contains("id=\"no-units\""), page);
        // a county none of whose units reported yet: the page says why its table is empty
        TestAccounts.add(m.database(), "xt-tech", Role.TECHNICIAN, "130502");
        String empty = get("/policy", "xt-tech", TestAccounts.PASSWORD).body();
        assertTrue(empty.contains("id=\"no-units\"") && empty.contains("No unit has reported its isolation policy yet"), empty);
        assertFalse(empty.contains("id=\"units\""), empty);
    }

    @Test
    void rolesAndPage() throws Exception {
        assertEquals(401, get("/api/policy/units", null, null).statusCode());
        assertEquals(403, get("/api/policy/units", "duty", TestAccounts.PASSWORD).statusCode());
        HttpResponse<String> page = get("/policy?city=1306", "auditor", ManagerFixture.AUDITOR_TOKEN);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains(BAODING) && page.body().contains("<b>DRIFT</b>"), page.body());
        assertTrue(page.body().contains("never internal-internet") && !page.body().contains("10.3.0.5"), "filtered to city 1306");
        assertTrue(page.body().contains("<b>FINDINGS</b>: 2 finding(s)") && page.body().contains("<td>yes (checked "), page.body());
        String text = page.body().replace("&#34;", "\"").replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<")
                .replace("&gt;", ">").replace("&amp;", "&");
        assertTrue(page.body().contains("<pre class=\"differences\">") && text.contains("<pre class=\"differences\">" + DRIFT + "</pre>"),
                "the drift event names every change, whole: " + page.body());
    }
}
