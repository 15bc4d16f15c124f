package cn.egov.manager.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.account.Role;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.TestAccounts;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan over REST: the one-request wipe is refused, a big drop needs {@code confirmDrop}, a
 * rollback restores, every attempt is in the audit log; a technician sees the plan of the account's
 * counties only, and anything else looks absent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlanImportWebTest {

    @TempDir
    static Path dir;

    private ManagerAssembly m;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final String noc = "Bearer " + ManagerFixture.NOC_TOKEN;

    @BeforeAll
    void managerWithThePlan() throws Exception {
        ManagerConfig fixture = ManagerFixture.config(dir);
        m = ManagerAssembly.start(new ManagerConfig("test", fixture.values(), Map.of("plan.dir", "../rules/plan")),
                ManagerAssembly.Options.defaults());
        TestAccounts.add(m.database(), "bd-tech", Role.TECHNICIAN, "130602");
    }

    @AfterAll
    void stop() {
        m.close();
    }

    private HttpResponse<String> post(String path, String authorization, Object body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(m.webUrl() + path)).header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body), StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(m.webUrl() + path)).header("Authorization", authorization).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private JsonNode inForce() throws Exception {
        return json.readTree(get("/api/plan", noc).body());
    }

    private static int allocations(JsonNode plan) {
        return (int) plan.get("files").get("20-hebei.plan").asText().lines().filter(l -> l.startsWith("alloc ")).count();
    }

    @Test
    void wipeDropConfirmRollbackAndAudit() throws Exception {
        JsonNode before = inForce();
        long version = before.get("version").asLong();

        HttpResponse<String> wipe = post("/api/plan", noc, Map.of("files", Map.of("", "")));
        assertEquals(400, wipe.statusCode(), wipe.body());
        HttpResponse<String> empty = post("/api/plan", noc, Map.of("files", Map.of("x.plan", "")));
        assertEquals(422, empty.statusCode(), empty.body());
        assertEquals("EMPTY", json.readTree(empty.body()).get("refusal").asText());
        assertEquals(version, inForce().get("version").asLong(), "nothing imported");
        assertEquals(allocations(before), allocations(inForce()));

        Map<String, String> files = new LinkedHashMap<>();
        before.get("files").fields().forEachRemaining(e -> files.put(e.getKey(), e.getValue().asText()));
        files.put("20-hebei.plan", files.get("20-hebei.plan").lines().filter(l -> !l.startsWith("alloc 130") || l.startsWith("alloc 1306"))
                .collect(Collectors.joining("\n", "", "\n")));
        HttpResponse<String> gutted = post("/api/plan", noc, Map.of("files", files));
        assertEquals(409, gutted.statusCode(), gutted.body());
        JsonNode g = json.readTree(gutted.body());
        assertEquals("DROP_NOT_CONFIRMED", g.get("refusal").asText());
        assertEquals(version, inForce().get("version").asLong());
        assertEquals(400, post("/api/plan", noc, Map.of("files", files, "confirmDrop", "yes")).statusCode());
        assertEquals(403, post("/api/plan", "Bearer " + ManagerFixture.AUDITOR_TOKEN, Map.of("files", files, "confirmDrop", true)).statusCode());

        HttpResponse<String> confirmed = post("/api/plan", noc, Map.of("files", files, "confirmDrop", true));
        assertEquals(200, confirmed.statusCode(), confirmed.body());
        assertEquals(allocations(before) - g.get("dropped").asInt(), allocations(inForce()));

        HttpResponse<String> back = post("/api/plan/rollback", noc, Map.of());
        assertEquals(200, back.statusCode(), back.body());
        JsonNode restored = inForce();
        assertEquals(allocations(before), allocations(restored));
        assertEquals(before.get("files"), restored.get("files"));
        JsonNode versions = json.readTree(get("/api/plan/versions", noc).body()).get("versions");
        assertEquals("rollback to version " + version, versions.get(0).get("note").asText());

        List<AuditEntry> audit = new AuditLog(m.database()).newest(20);
        assertEquals(List.of("plan.rollback SUCCESS", "plan.import SUCCESS", "plan.import REFUSED", "plan.import REFUSED",
                        "plan.import REFUSED", "plan.import REFUSED", "plan.import REFUSED"),
                audit.stream().filter(a -> a.action().startsWith("plan.") || a.action().equals("http.post"))
                        .limit(7).map(a -> (a.action().equals("http.post") ? "plan.import" : a.action()) + " " + a.outcome()).toList());
        AuditEntry last = audit.get(0);
        assertEquals("noc", last.actor());
        assertEquals("noc", last.role());
        assertEquals("127.0.0.1", last.source());
        assertTrue(audit.stream().anyMatch(a -> a.actor().equals("auditor") && a.outcome() == AuditEntry.Outcome.REFUSED),
                "the auditor's refused import is audited too");
    }

    @Test
    void aTechnicianSeesItsCountyAndOtherEntriesLookAbsent() throws Exception {
        String tech = TestAccounts.basic("bd-tech");
        // whois: an address of the technician's county, of another county, and one the plan does not have
        HttpResponse<String> mine = get("/api/plan/whois?q=10.6.8.9", tech);
        assertEquals(200, mine.statusCode(), mine.body());
        assertEquals("130602-001", json.readTree(mine.body()).get("owner").asText());
        assertEquals(0, json.readTree(mine.body()).get("chain").size(), "the city's and province's entries are not shown");
        HttpResponse<String> other = get("/api/plan/whois?q=10.1.24.9", tech);
        HttpResponse<String> absent = get("/api/plan/whois?q=10.254.1.1", tech);
        assertEquals(404, other.statusCode());
        assertEquals(absent.statusCode(), other.statusCode());
        assertEquals(absent.body().replace("10.254.1.1", "Q"), other.body().replace("10.1.24.9", "Q"));
        assertEquals(200, get("/api/plan/whois?q=10.1.24.9", noc).statusCode(), "the address is in the plan");
        // allocation views
        assertEquals(200, get("/api/plan/units/130602-001", tech).statusCode());
        HttpResponse<String> otherUnit = get("/api/plan/units/130105", tech);
        HttpResponse<String> noUnit = get("/api/plan/units/130199", tech);
        assertEquals(404, otherUnit.statusCode());
        assertEquals(noUnit.body().replace("130199", "U"), otherUnit.body().replace("130105", "U"));
        // the page: the same line either way, and no warnings about the rest of the province
        String pageOther = get("/plan?unit=130105-001", tech).body();
        String pageAbsent = get("/plan?unit=130105-999", tech).body();
        assertTrue(pageOther.contains("id=\"not-visible\""), pageOther);
        assertEquals(pageAbsent.replace("130105-999", "U").replaceAll("\\d{4}-\\d{2}-\\d{2}", "D"),
                pageOther.replace("130105-001", "U").replaceAll("\\d{4}-\\d{2}-\\d{2}", "D"));
        assertFalse(get("/plan?q=10.1.24.9", tech).body().contains("130105"));
        assertEquals(403, get("/api/plan", tech).statusCode(), "the whole plan's files: province-wide roles only");
    }

    @Test
    void theHebeiPlanFileIsWhatTheTestsExpect() throws Exception {
        assertTrue(Files.readString(Path.of("../rules/plan/20-hebei.plan")).contains("alloc 130105 internal 10.1.24.0/21"));
    }
}
