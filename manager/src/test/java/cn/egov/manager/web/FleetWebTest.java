package cn.egov.manager.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.account.Role;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.fleet.BoxStatus;
import cn.egov.manager.support.Browser;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** REST with role checks, and the fleet page rendered by a real headless Chromium. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetWebTest {

    // static: with a per-class lifecycle JUnit fills instance @TempDir fields only before each test, after @BeforeAll
    @TempDir
    static Path dir;

    private ManagerAssembly m;
    private final List<SimulatedBox> boxes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    void fleetOfThree() throws Exception {
        m = ManagerFixture.start(dir);
        TestAccounts.add(m.database(), "bd-tech", Role.TECHNICIAN, "130602");
        TestAccounts.add(m.database(), "duty", Role.DUTY_OFFICER);
        TestAccounts.add(m.database(), "admin1", Role.ADMIN);
        // a and c stay connected for the whole class: a closed client is offline, and whether the broker
        // publishes its will on a clean close is a race this test is not about
        SimulatedBox a = box("130602-001");
        SimulatedBox b = box("130602-002");
        SimulatedBox c = box("130105-001");
        a.birth(60);
        a.health();
        b.birth(60);
        b.disconnectMessage();
        c.birth(60);
        c.health();
        for (SimulatedBox x : List.of(a, b, c)) {
            x.flush();
        }
        Poll.until("three boxes", 30_000, () -> m.fleet().list().size() == 3
                && m.fleet().get("130602-002").orElseThrow().status() == BoxStatus.DISCONNECTED
                && m.fleet().get("130602-001").orElseThrow().lastHealth() > 0
                && m.fleet().get("130105-001").orElseThrow().lastHealth() > 0);
    }

    private SimulatedBox box(String unit) throws Exception {
        SimulatedBox x = SimulatedBox.lab(m, unit).connect();
        boxes.add(x);
        return x;
    }

    @AfterAll
    void stop() throws Exception {
        for (SimulatedBox x : boxes) {
            x.close();
        }
        m.close();
    }

    private HttpResponse<String> get(String path, String user, String secret) throws Exception {
        return get(path, user, secret, null);
    }

    private HttpResponse<String> get(String path, String user, String secret, String accept) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(m.webUrl() + path));
        if (accept != null) {
            r.header("Accept", accept);
        }
        if (user != null) {
            r.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void rolesSeparateWhatEachCanReach() throws Exception {
        assertEquals(401, get("/api/boxes", null, null).statusCode());
        assertEquals(401, get("/api/boxes", "noc", "wrong").statusCode());
        assertEquals(200, get("/api/boxes", "noc", ManagerFixture.NOC_TOKEN).statusCode());
        assertEquals(200, get("/api/boxes", "auditor", ManagerFixture.AUDITOR_TOKEN).statusCode());
        assertEquals(200, get("/api/boxes/130602-001", "bd-tech", TestAccounts.PASSWORD).statusCode());
        assertEquals(403, get("/api/metrics", "bd-tech", TestAccounts.PASSWORD).statusCode());
        assertEquals(403, get("/api/boxes", "admin1", TestAccounts.PASSWORD).statusCode(), "administrators see no fleet data");
        assertEquals(200, get("/api/boxes", "duty", TestAccounts.PASSWORD).statusCode());
        assertEquals(403, get("/api/metrics", "auditor", ManagerFixture.AUDITOR_TOKEN).statusCode());
        assertEquals(200, get("/api/metrics", "noc", ManagerFixture.NOC_TOKEN).statusCode());
        assertEquals(200, get("/api/health", null, null).statusCode());
        HttpResponse<String> bearer = http.send(HttpRequest.newBuilder(URI.create(m.webUrl() + "/api/boxes"))
                .header("Authorization", "Bearer " + ManagerFixture.NOC_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, bearer.statusCode());
        assertEquals(404, get("/api/boxes/130699-999", "noc", ManagerFixture.NOC_TOKEN).statusCode());
    }

    @Test
    void aBrowserRefusedAPageGetsAPageThatSaysWhyApiClientsGetJson() throws Exception {
        HttpResponse<String> page = get("/audit", "bd-tech", TestAccounts.PASSWORD, "text/html,application/xhtml+xml");
        assertEquals(403, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), page.headers().toString());
        assertTrue(page.body().contains("Role technician may not see this page."), page.body());
        assertTrue(page.body().contains("href=\"/fleet\""), "the navigation of the pages the role may open: " + page.body());
        HttpResponse<String> missing = get("/fleet-typo%3Cb%3E", "bd-tech", TestAccounts.PASSWORD, "text/html");
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().contains("There is no page at /fleet-typo%3Cb%3E; start from the navigation bar."), missing.body());
        // API clients (no text/html) keep their JSON
        HttpResponse<String> api = get("/audit", "bd-tech", TestAccounts.PASSWORD, "application/json");
        assertEquals(403, api.statusCode());
        assertEquals("{\"error\":\"role technician may not reach this path\"}", api.body());
        assertEquals("{\"error\":\"no such path\"}", get("/nowhere", "bd-tech", TestAccounts.PASSWORD, null).body());
    }

    @Test
    void aTechnicianSeesItsCountyAndOtherBoxesLookAbsentWhetherOrNotTheyExist() throws Exception {
        JsonNode mine = json.readTree(get("/api/boxes", "bd-tech", TestAccounts.PASSWORD).body());
        assertEquals(2, mine.size(), "the two boxes of county 130602: " + mine);
        assertTrue(mine.findValuesAsText("clientId").stream().allMatch(id -> id.startsWith("130602-")), mine.toString());
        HttpResponse<String> exists = get("/api/boxes/130105-001", "bd-tech", TestAccounts.PASSWORD);
        HttpResponse<String> absent = get("/api/boxes/130105-002", "bd-tech", TestAccounts.PASSWORD);
        assertEquals(404, exists.statusCode());
        assertEquals(absent.statusCode(), exists.statusCode());
        assertEquals(absent.body().replace("130105-002", "X"), exists.body().replace("130105-001", "X"));
        assertEquals(200, get("/api/boxes/130105-001", "noc", ManagerFixture.NOC_TOKEN).statusCode(), "the box does exist");
        String page = get("/fleet", "bd-tech", TestAccounts.PASSWORD).body();
        assertTrue(page.contains("box-130602-001") && !page.contains("box-130105-001") && !page.contains("石家庄"), page);
    }

    @Test
    void restListsBoxesWithStatusPlaceAndHealth() throws Exception {
        JsonNode boxes = json.readTree(get("/api/boxes", "noc", ManagerFixture.NOC_TOKEN).body());
        assertEquals(3, boxes.size());
        assertEquals("130105-001", boxes.get(0).get("clientId").asText(), "ordered by city: 1301 before 1306");
        JsonNode baoding = json.readTree(get("/api/boxes?county=130602", "noc", ManagerFixture.NOC_TOKEN).body());
        assertEquals(2, baoding.size());
        JsonNode one = json.readTree(get("/api/boxes/130602-001", "noc", ManagerFixture.NOC_TOKEN).body()).get("box");
        assertEquals("CONNECTED", one.get("status").asText());
        assertEquals("保定市", one.get("place").get("cityName").asText());
        assertEquals("竞秀区", one.get("place").get("countyName").asText());
        assertEquals(0.25, one.get("health").get("cpu_load").asDouble());
        JsonNode disconnected = json.readTree(get("/api/boxes?status=DISCONNECTED", "noc", ManagerFixture.NOC_TOKEN).body());
        assertEquals(1, disconnected.size());
        JsonNode metrics = json.readTree(get("/api/metrics", "noc", ManagerFixture.NOC_TOKEN).body());
        assertTrue(metrics.get("ingest.stored").asLong() == 6, metrics.toString());
        assertTrue(metrics.has("ingest.queue.depth") && metrics.has("ingest.malformed.bad-payload") && metrics.has("broker.backlog.messages"));
        for (String setAside : new String[] {"broker.dead-letter", "broker.expired"}) { // nothing set aside: none held, no alarm
            assertEquals(0, metrics.get(setAside + ".messages").asLong(), metrics.toString());
            assertEquals(0, metrics.get(setAside + ".replaced").asLong(), metrics.toString());
            assertEquals(0, metrics.get(setAside + ".alarm").asLong(), metrics.toString());
        }
    }

    @Test
    void aFilterThatNoBoxCouldMatchIsRefusedNamingItNotAnsweredWithAnEmptyList() throws Exception {
        for (String[] c : new String[][] {{"county=" + "1".repeat(5000), "county must be 6 digits, like 130602, got '" + "1".repeat(40) + "…'"},
                {"status=MISSING%0AINFO%20forged", "status must be one of CONNECTED, DISCONNECTED, MISSING, got 'MISSING\\nINFO forged'"},
                {"status=MISING", "status must be one of CONNECTED, DISCONNECTED, MISSING, got 'MISING'"},
                {"city=%E4%BF%9D%E5%AE%9A", "city must be 4 digits, like 1306, got '保定'"},
                {"county=1306", "county must be 6 digits, like 130602, got '1306'"}}) {
            HttpResponse<String> r = get("/api/boxes?" + c[0], "noc", ManagerFixture.NOC_TOKEN);
            assertEquals(400, r.statusCode(), c[0] + ": " + r.body());
            assertEquals(c[1], json.readTree(r.body()).get("error").asText(), "named, its value cut and on one line");
        }
        assertEquals(1, json.readTree(get("/api/boxes?status=disconnected", "noc", ManagerFixture.NOC_TOKEN).body()).size(),
                "the status in any case, as before");
        assertEquals("[]", get("/api/boxes?county=130105", "bd-tech", TestAccounts.PASSWORD).body(),
                "a well-formed county of another technician is still just empty");
    }

    @Test
    void aParameterGivenTwiceOrNotUtf8IsRefusedNotReadOneWay() throws Exception {
        HttpResponse<String> twice = get("/api/boxes?county=130602&county=130603", "noc", ManagerFixture.NOC_TOKEN);
        assertEquals(400, twice.statusCode(), twice.body());
        assertEquals("parameter 'county' is given 2 times; give it once", json.readTree(twice.body()).get("error").asText());
        HttpResponse<String> page = get("/fleet?county=130602&county=130603", "noc", ManagerFixture.NOC_TOKEN, "text/html");
        assertEquals(400, page.statusCode());
        assertTrue(page.body().contains("parameter &#39;county&#39; is given 2 times") || page.body().contains("parameter 'county' is given 2 times"),
                page.body());
        HttpResponse<String> notUtf8 = get("/api/boxes?county=%FF%FE", "noc", ManagerFixture.NOC_TOKEN);
        assertEquals(400, notUtf8.statusCode(), notUtf8.body());
        assertEquals(200, get("/api/boxes?county=130602", "noc", ManagerFixture.NOC_TOKEN).statusCode(), "once is fine");
    }

    @Test
    void aMalformedAuditLimitIsRefusedNamingItNotReadAsTheDefault() throws Exception {
        assertEquals(200, get("/api/audit?limit=5", "auditor", ManagerFixture.AUDITOR_TOKEN).statusCode());
        for (String[] c : new String[][] {{"limit=abc", "limit must be a whole number from 1 to 10000, got 'abc'"},
                {"limit=0", "limit must be a whole number from 1 to 10000, got '0'"},
                {"limit=20000", "limit must be a whole number from 1 to 10000, got '20000'"}}) {
            HttpResponse<String> r = get("/api/audit?" + c[0], "auditor", ManagerFixture.AUDITOR_TOKEN);
            assertEquals(400, r.statusCode(), c[0] + ": " + r.body());
            assertEquals(c[1], json.readTree(r.body()).get("error").asText());
            HttpResponse<String> page = get("/audit?" + c[0], "auditor", ManagerFixture.AUDITOR_TOKEN);
            assertEquals(400, page.statusCode(), c[0]);
            assertTrue(page.body().contains("id=\"filter-problem\"") && page.body().contains(c[1]) && page.body().contains("id=\"audit\""),
                    "the page with the reason: " + page.body());
        }
    }

    @Test
    void chromiumRendersTheFleetPageByCityAndCounty() throws Exception {
        TestAccounts.add(m.database(), "noc-li", Role.NOC);
        org.openqa.selenium.chrome.ChromeDriver browser = Browser.start(dir.resolve("chromium"));
        try {
            Browser.logIn(browser, m.webUrl(), "/fleet", "noc-li", TestAccounts.PASSWORD);
            String dom = browser.getPageSource();
            assertTrue(dom.contains("设备状态 Fleet"), "page title in the DOM:\n" + dom);
            assertTrue(dom.contains("石家庄市") && dom.contains("保定市") && dom.contains("竞秀区") && dom.contains("新华区"), dom);
            assertTrue(dom.indexOf("石家庄市") < dom.indexOf("保定市"), "cities in code order");
            assertTrue(dom.contains("id=\"box-130602-001\"") && dom.contains("id=\"box-130602-002\""), dom);
            assertTrue(dom.matches("(?s).*id=\"count-CONNECTED\">2<.*"), "two connected in the summary");
            assertTrue(dom.matches("(?s).*id=\"count-DISCONNECTED\">1<.*"), "one disconnected in the summary");
            assertTrue(dom.matches("(?s).*id=\"box-130602-002\".*?离线 DISCONNECTED.*"), "status of the disconnected box");
            assertTrue(dom.contains("0.25"), "last CPU figure shown");
        } finally {
            browser.quit();
        }
    }
}
