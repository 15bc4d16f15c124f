package cn.egov.manager.taskbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.account.Role;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.api.time.BeijingTime;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.TestAccounts;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
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
 * The task book over HTTP, on a manager with the address plan of {@code rules/plan} and no CA:
 * every unit the plan declares is due its tasks; an operator or a technician (its county) enters a
 * task no report can show, with a note, and the book shows it with the person and time; entries
 * that are derived, have no note, name another county's unit or come from an auditor are refused
 * and audited; the CSV export (auditors, administrators) escapes a formula in a note; without the
 * CA the PDF export says why not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskbookWebTest {

    @TempDir
    static Path dir;
    private ManagerAssembly m;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private int year;

    @BeforeAll
    void start() throws Exception {
        m = ManagerAssembly.start(ManagerFixture.withPlan(ManagerFixture.config(dir.resolve("manager"))), ManagerAssembly.Options.defaults());
        TestAccounts.add(m.database(), "noc-wang", Role.NOC);
        TestAccounts.add(m.database(), "aud-zhao", Role.AUDITOR);
        TestAccounts.add(m.database(), "bd-tech", Role.TECHNICIAN, "130602");
        year = LocalDate.now(BeijingTime.ZONE).getYear();
    }

    @AfterAll
    void stop() {
        if (m != null) {
            m.close();
        }
    }

    private HttpResponse<String> get(String path, String user) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(m.webUrl() + path)).header("Authorization", TestAccounts.basic(user)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> enter(String user, String unit, String task, String status, String note) throws Exception {
        return enter(String.valueOf(year), user, unit, task, status, note);
    }

    private HttpResponse<String> enter(String year, String user, String unit, String task, String status, String note) throws Exception {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("year", year);
        form.put("unit", unit);
        form.put("task", task);
        form.put("status", status);
        form.put("note", note);
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return http.send(HttpRequest.newBuilder(URI.create(m.webUrl() + "/taskbook/entries")).header("Authorization", TestAccounts.basic(user))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private JsonNode unit(JsonNode book, String code) {
        for (JsonNode u : book.get("units")) {
            if (u.get("unit").get("code").asText().equals(code)) {
                return u;
            }
        }
        throw new AssertionError(code + " not in " + book);
    }

    private List<AuditEntry> audited(String action) throws Exception {
        return new AuditLog(m.database()).newest(500).stream().filter(e -> e.action().equals(action)).toList();
    }

    @Test
    void everyUnitOfThePlanIsDueItsTasks() throws Exception {
        JsonNode book = json.readTree(get("/api/taskbook", "aud-zhao").body());
        assertEquals(9, book.get("units").size(), "the plan's nine units, none with a box yet");
        assertEquals(90, book.get("total").get("total").asInt());
        assertEquals("竞秀区教育局", unit(book, "130602-001").get("unit").get("name").asText());
        assertEquals("NO_DATA", unit(book, "130602-001").get("tasks").get(AnnualTask.BACKBONE.ordinal()).get("status").asText());
        assertEquals("NOT_ENTERED", unit(book, "130602-001").get("tasks").get(AnnualTask.TRAINING.ordinal()).get("status").asText());
    }

    @Test
    void anEntryKeepsNotePersonAndTime() throws Exception {
        long before = System.currentTimeMillis();
        HttpResponse<String> r = enter("noc-wang", "130681-003", "TRAINING", "done", "=SUM(A1:A9) 培训签到表见档案 B-7");
        assertEquals(303, r.statusCode(), r.body());
        assertEquals("/taskbook?year=" + year + "&scope=130681#unit-130681-003", r.headers().firstValue("Location").orElse(""));
        JsonNode cell = unit(json.readTree(get("/api/taskbook?scope=1306", "noc-wang").body()), "130681-003").get("tasks").get(AnnualTask.TRAINING.ordinal());
        assertEquals("DONE", cell.get("status").asText());
        assertEquals("=SUM(A1:A9) 培训签到表见档案 B-7", cell.get("basis").asText());
        assertEquals("noc-wang (noc)", cell.get("enteredBy").asText());
        assertTrue(cell.get("enteredAt").asLong() >= before);
        AuditEntry a = audited(EntryHandler.ACTION).stream().filter(e -> e.outcome() == AuditEntry.Outcome.SUCCESS).findFirst().orElseThrow();
        assertEquals(year + " 130681-003 TRAINING", a.target());
        assertEquals("noc-wang", a.actor());

        HttpResponse<String> csv = get("/api/taskbook/csv?scope=1306", "aud-zhao");
        assertEquals(200, csv.statusCode());
        assertTrue(csv.body().startsWith("\uFEFF年度建设任务书 Annual task book," + year), csv.body().substring(0, 60));
        assertTrue(csv.body().contains(",'=SUM(A1:A9) 培训签到表见档案 B-7,noc-wang (noc),"), "the note is text, not a formula: " + csv.body());
        assertTrue(audited(TaskbookExportHandler.ACTION).stream().anyMatch(e -> e.actor().equals("aud-zhao") && e.outcome() == AuditEntry.Outcome.SUCCESS
                && e.target().equals("csv " + year + " 1306")));
    }

    @Test
    void aTechnicianEntersForItsCountyOnly() throws Exception {
        assertEquals(303, enter("bd-tech", "130602-002", "PHYSICAL_ISOLATION", "not-done", "机房内网交换机接有外网线").statusCode());
        HttpResponse<String> other = enter("bd-tech", "130681-003", "TRAINING", "done", "x");
        assertEquals(404, other.statusCode(), "another county's unit is answered like none");
        assertEquals(404, enter("bd-tech", "130602-099", "TRAINING", "done", "x").statusCode(), "a unit the plan does not declare");
        assertEquals(404, get("/api/taskbook?scope=1306", "bd-tech").statusCode());
        JsonNode own = json.readTree(get("/api/taskbook", "bd-tech").body());
        assertEquals("130602", own.get("scope").asText());
        assertEquals("NOT_DONE", unit(own, "130602-002").get("tasks").get(AnnualTask.PHYSICAL_ISOLATION.ordinal()).get("status").asText());
        assertEquals(403, get("/api/taskbook/csv", "bd-tech").statusCode(), "technicians do not export");
    }

    @Test
    void aMistypedUnitOrYearGivesTheFormBackWithTheReasonNotAJsonPage() throws Exception {
        HttpResponse<String> absent = enter("noc-wang", "130602-099", "TRAINING", "done", "x");
        HttpResponse<String> notHis = enter("bd-tech", "130681-003", "TRAINING", "done", "x");
        HttpResponse<String> his = enter("bd-tech", "130602-099", "TRAINING", "done", "x");
        for (HttpResponse<String> r : List.of(absent, notHis, his)) {
            assertEquals(404, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html") && r.body().contains("id=\"entry-form\""),
                    r.body());
        }
        assertTrue(absent.body().contains("unit 130602-099 is not a unit you may enter for"), absent.body());
        assertTrue(notHis.body().contains("unit 130681-003 is not a unit you may enter for"), "another county's unit reads like an absent one");
        HttpResponse<String> year = enter("99999", "noc-wang", "130602-001", "TRAINING", "done", "x");
        assertEquals(400, year.statusCode());
        assertTrue(year.body().contains("year must be between 2004 and ") && year.body().contains("id=\"entry-form\""), year.body());
    }

    @Test
    void aMistypedYearOrScopeInTheAddressGivesThePageBackWithTheReasonNotAJsonBody() throws Exception {
        for (String[] c : new String[][] {{"year=20x6", "year must be a year like " + year + ", got '20x6'"},
                {"year=1999", "year must be between 2004 and " + year + ", got 1999"},
                {"scope=13%0A" + "9".repeat(50), "scope must be the province (13), a city (1306), a county (130602) or a unit (130602-001)"
                        + " of the province, got '13\\n" + "9".repeat(37) + "…'"}}) {
            HttpResponse<String> r = get("/taskbook?" + c[0], "noc-wang");
            assertEquals(400, r.statusCode(), c[0] + ": " + r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), c[0]);
            assertTrue(r.body().contains("id=\"error\"") && r.body().contains(c[1]), c[0] + ": " + r.body());
            assertTrue(r.body().contains("id=\"entry-form\""), "the page itself, with its form: " + r.body());
        }
        assertEquals(400, get("/api/taskbook?year=20x6", "noc-wang").statusCode(), "the API stays JSON");
    }

    @Test
    void aScopeWithNoUnitIsNoSuchScopeNotASignedEmptyReport() throws Exception {
        // a mistyped unit, county or city: before, 200 and an export stating "0 units" for a unit that does not exist
        for (String scope : List.of("130602-999", "130699", "1399")) {
            for (String path : List.of("/api/report?scope=", "/api/report/csv?scope=", "/api/taskbook?scope=", "/api/taskbook/csv?scope=")) {
                HttpResponse<String> r = get(path + scope, "aud-zhao");
                assertEquals(404, r.statusCode(), path + scope + ": " + r.body());
                assertEquals("{\"error\":\"no such scope\"}", r.body(), path + scope);
            }
            for (String page : List.of("/report?scope=", "/taskbook?scope=")) {
                HttpResponse<String> r = get(page + scope, "aud-zhao");
                assertEquals(404, r.statusCode(), page + scope);
                assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), "the page, not a JSON body: " + page);
                assertTrue(r.body().contains("没有这个范围 no such scope: " + scope), page + scope + ": " + r.body());
            }
        }
        assertTrue(audited("report.export").stream().anyMatch(e -> e.outcome() == AuditEntry.Outcome.REFUSED && e.target().contains("130602-999")
                && e.detail().equals("no such scope")), "the refused export is audited");
        assertEquals(200, get("/api/report?scope=130602-001", "aud-zhao").statusCode(), "a unit of the plan, no box yet");
        assertEquals(200, get("/api/taskbook?scope=1306", "aud-zhao").statusCode(), "a city of the plan");
    }

    @Test
    void everyTimeAnAuditorFilesOrReadsNamesBeijingTime() throws Exception {
        // before: "数据采集时间 Data collected,2026-12-06 23:42:58" and the audit log's "时间 Time", no zone named
        for (String csv : List.of("/api/report/csv?scope=130602", "/api/taskbook/csv?scope=130602")) {
            HttpResponse<String> r = get(csv, "aud-zhao");
            assertEquals(200, r.statusCode(), csv);
            assertTrue(r.body().lines().anyMatch(l -> l.startsWith("数据采集时间（北京时间 UTC+8，下同）Data collected (Beijing time UTC+8 here and below),")),
                    csv + ": " + r.body());
        }
        for (String page : List.of("/report?scope=130602", "/taskbook?scope=130602")) {
            String body = get(page, "aud-zhao").body();
            assertTrue(body.matches("(?s).*数据采集 collected \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} \\(北京时间\\).*"), page + ": " + body);
        }
        assertTrue(get("/audit", "aud-zhao").body().contains("<th>时间 Time (北京时间)</th>"), "the audit log's time column");
    }

    @Test
    void badEntriesAreRefusedAndAudited() throws Exception {
        HttpResponse<String> derived = enter("noc-wang", "130602-001", "BACKBONE", "done", "我说接通了");
        assertEquals(400, derived.statusCode());
        assertTrue(derived.body().contains("task BACKBONE (接入省电子政务骨干网) is derived from what the box reports; it cannot be entered by hand"),
                derived.body());
        assertEquals(400, enter("noc-wang", "130602-001", "TRAINING", "done", "  ").statusCode());
        assertTrue(enter("noc-wang", "130602-001", "TRAINING", "maybe", "x").body().contains("status must be 'done' or 'not-done'"));
        assertTrue(enter("noc-wang", "130602-001", "TRAINING", "done", "a\u001b[31mb").body().contains("control characters"));
        HttpResponse<String> auditor = enter("aud-zhao", "130602-001", "TRAINING", "done", "x");
        assertEquals(403, auditor.statusCode(), "auditors read only");
        List<AuditEntry> refused = audited(EntryHandler.ACTION).stream().filter(e -> e.outcome() == AuditEntry.Outcome.REFUSED).toList();
        assertTrue(refused.stream().anyMatch(e -> e.detail().contains("derived from what the box reports")), refused.toString());
        assertTrue(refused.stream().anyMatch(e -> e.detail().startsWith("a note is required")), refused.toString());
        assertTrue(new AuditLog(m.database()).newest(500).stream().anyMatch(e -> e.actor().equals("aud-zhao") && e.target().equals("/taskbook/entries")
                && e.outcome() == AuditEntry.Outcome.REFUSED), "the dispatcher audits the auditor's attempt");
        JsonNode book = json.readTree(get("/api/taskbook?scope=130602", "noc-wang").body());
        assertEquals("NOT_ENTERED", unit(book, "130602-001").get("tasks").get(AnnualTask.TRAINING.ordinal()).get("status").asText(), "nothing stored");
    }

    @Test
    void withoutTheCaThePdfExportSaysWhyNot() throws Exception {
        HttpResponse<String> pdf = get("/api/taskbook/pdf", "aud-zhao");
        assertEquals(503, pdf.statusCode());
        assertEquals("{\"error\":\"the manager has no report-signing certificate: run it with the provincial CA (ca.passphrase-file)\"}", pdf.body());
        HttpResponse<String> report = get("/api/report/pdf", "aud-zhao");
        assertEquals(503, report.statusCode());
        assertTrue(audited("report.export").stream().anyMatch(e -> e.outcome() == AuditEntry.Outcome.FAILED), "the failed export is audited");
        assertEquals(403, get("/api/taskbook/pdf", "noc-wang").statusCode());
    }
}
