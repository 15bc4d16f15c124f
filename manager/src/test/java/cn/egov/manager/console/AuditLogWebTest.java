package cn.egov.manager.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.time.BeijingTime;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.support.ManagerFixture;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The auditor reads a period of the audit log (Beijing days, actor, action), pages past any limit
 * by cursor, and exports the period as CSV; the export is itself audited and bad filters are one
 * clear 400 line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditLogWebTest {

    @TempDir
    static Path dir;

    private ManagerAssembly m;
    private AuditLog audit;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    void start() throws Exception {
        m = ManagerFixture.start(dir);
        audit = new AuditLog(m.database());
        // the edges of January 2026 in Beijing time: the last second of 2025 is out, the first of 2026 in
        record(at("2025-12-31T23:59:59"), "zhang.wei", "ca.revoke", "before the period");
        record(at("2026-01-01T00:00:00"), "zhang.wei", "ca.revoke", "first of january");
        record(at("2026-01-15T10:00:00"), "cli:root", "ca.token", "mid january, =cmd|' /C calc'!A0");
        record(at("2026-01-31T23:59:59"), "li.na", "ca.revoke", "last of january");
        record(at("2026-02-01T00:00:00"), "zhang.wei", "ca.revoke", "after the period");
        for (int i = 0; i < 25; i++) {
            record(at("2026-03-01T08:00:00"), "pager", "test.page", "page entry " + i); // one millisecond for all: ids order them
        }
    }

    @AfterAll
    void stop() {
        m.close();
    }

    private static long at(String beijing) {
        return LocalDateTime.parse(beijing).atZone(BeijingTime.ZONE).toInstant().toEpochMilli();
    }

    private void record(long time, String actor, String action, String detail) throws Exception {
        audit.record(new AuditEntry(time, actor, "auditor", action, "t", AuditEntry.Outcome.SUCCESS, detail, "10.0.0.1"));
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(m.webUrl() + path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private List<String> details(String query) throws Exception {
        HttpResponse<String> r = get("/api/audit?" + query, ManagerFixture.AUDITOR_TOKEN);
        assertEquals(200, r.statusCode(), r.body());
        List<String> out = new ArrayList<>();
        json.readTree(r.body()).get("entries").forEach(e -> out.add(e.get("detail").asText()));
        return out;
    }

    @Test
    void aPeriodIsWholeBeijingDaysAndActorAndActionNarrowIt() throws Exception {
        assertEquals(List.of("last of january", "mid january, =cmd|' /C calc'!A0", "first of january"),
                details("from=2026-01-01&to=2026-01-31"));
        assertEquals(List.of("last of january", "first of january"), details("from=2026-01-01&to=2026-01-31&action=ca.revoke"));
        assertEquals(List.of("mid january, =cmd|' /C calc'!A0"), details("from=2026-01-01&to=2026-01-31&actor=cli:root"));
        assertEquals(List.of("after the period", "first of january", "before the period"), details("actor=zhang.wei"));
    }

    @Test
    void theCursorPagesThroughEveryEntryOnceWhateverTheLimit() throws Exception {
        Set<String> seen = new HashSet<>();
        List<Integer> sizes = new ArrayList<>();
        String query = "action=test.page&limit=10";
        JsonNode page = json.readTree(get("/api/audit?" + query, ManagerFixture.AUDITOR_TOKEN).body());
        while (true) {
            sizes.add(page.get("entries").size());
            page.get("entries").forEach(e -> assertTrue(seen.add(e.get("detail").asText()), "once: " + e));
            if (page.get("next").isNull()) {
                break;
            }
            page = json.readTree(get("/api/audit?" + query + "&before=" + page.get("next").asLong(), ManagerFixture.AUDITOR_TOKEN).body());
        }
        assertEquals(List.of(10, 10, 5), sizes);
        assertEquals(25, seen.size());
        String html = get("/audit?" + query, ManagerFixture.AUDITOR_TOKEN).body();
        assertTrue(html.contains("id=\"next-page\" href=\"/audit?action=test.page&amp;limit=10&amp;before="), html);
    }

    @Test
    void aBadFilterIsOneLineNamingIt() throws Exception {
        for (String[] c : new String[][] {{"from=2026-13-01", "from must be a date like 2026-01-31, got '2026-13-01'"},
                {"actor=a%20b", "actor must be an account name, noc, auditor or cli:<OS user>, got 'a b'"},
                {"action=DROP", "action must be an action like ca.revoke, got 'DROP'"},
                {"before=0", "before must be a whole number from 1 to 9223372036854775807, got '0'"},
                {"from=2026-02-01&to=2026-01-01", "the period ends (2026-01-01) before it starts (2026-02-01)"}}) {
            HttpResponse<String> r = get("/api/audit?" + c[0], ManagerFixture.AUDITOR_TOKEN);
            assertEquals(400, r.statusCode(), c[0]);
            assertEquals(c[1], json.readTree(r.body()).get("error").asText());
            HttpResponse<String> csv = get("/api/audit/csv?" + c[0], ManagerFixture.AUDITOR_TOKEN);
            assertEquals(400, csv.statusCode(), c[0]);
            assertEquals(c[1], json.readTree(csv.body()).get("error").asText());
        }
    }

    @Test
    void theAuditorExportsAPeriodAsExcelReadyCsvAndTheExportIsAudited() throws Exception {
        HttpResponse<String> r = get("/api/audit/csv?from=2026-01-01&to=2026-01-31", ManagerFixture.AUDITOR_TOKEN);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Disposition").orElseThrow().contains("audit-log-2026-01-01-2026-01-31.csv"));
        String body = r.body();
        assertTrue(body.startsWith("\uFEFF时间 Time (北京时间),用户 Actor"), "BOM and the Chinese header: " + body);
        List<String> rows = body.lines().toList();
        assertEquals(4, rows.size(), body);
        assertTrue(rows.get(2).startsWith("2026-01-15 10:00:00,cli:root,auditor,ca.token,t,SUCCESS,\"mid january"), rows.get(2));
        assertTrue(!body.contains("before the period") && !body.contains("after the period"), body);

        List<AuditEntry> newest = audit.newest(5);
        AuditEntry exported = newest.stream().filter(e -> e.action().equals("audit.export") && e.outcome() == AuditEntry.Outcome.SUCCESS)
                .findFirst().orElseThrow(() -> new AssertionError(newest.toString()));
        assertEquals("csv 2026-01-01..2026-01-31", exported.target());
        assertTrue(exported.detail().startsWith("3 entries, "), exported.detail());

        HttpResponse<String> noc = get("/api/audit/csv?from=2026-01-01&to=2026-01-31", ManagerFixture.NOC_TOKEN);
        assertEquals(403, noc.statusCode());
        AuditEntry refused = audit.newest(1).get(0);
        assertEquals("audit.export REFUSED noc", refused.action() + " " + refused.outcome() + " " + refused.actor());
    }
}
