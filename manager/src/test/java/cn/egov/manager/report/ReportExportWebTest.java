package cn.egov.manager.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.telemetry.Alarm.Severity;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.PortalMetrics;
import cn.egov.manager.account.Role;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.PemFiles;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.evidence.BoxReports;
import cn.egov.api.time.BeijingTime;
import cn.egov.manager.support.Cli;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report over HTTP from a manager run with its CA, its store filled by boxes over MQTT: the
 * auditor's signed PDF verifies with {@code pdfsig} (trusted against the province's root), shows
 * the Chinese text and the figures of the JSON report read from the same store, and carries the
 * evidence whose SHA-256 it states; the CSV opens in Excel (BOM) with a hostile display name shown
 * as text; an operator may read the report but not export it, a technician sees its county only
 * and exports nothing; every export and refused export is in the audit log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportExportWebTest {

    static final String A = "130602-001";
    static final String B = "130602-002";
    static final String ELSEWHERE = "130681-003";
    static final String HOSTILE = "=HYPERLINK(\"http://evil.example/\",\"点我\")";

    @TempDir
    static Path dir;
    private ProvincialCa ca;
    private ManagerAssembly m;
    private final List<SimulatedBox> boxes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private String today;

    @BeforeAll
    void start() throws Exception {
        ca = ProvincialCa.create(dir.resolve("ca"), "report web test".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"));
        m = ManagerAssembly.start(ManagerFixture.config(dir.resolve("manager")), ManagerAssembly.Options.defaults().withTlsCa(ca));
        TestAccounts.add(m.database(), "aud-zhao", Role.AUDITOR);
        TestAccounts.add(m.database(), "noc-wang", Role.NOC);
        TestAccounts.add(m.database(), "bd-tech", Role.TECHNICIAN, "130602");
        TestAccounts.add(m.database(), "admin-sun", Role.ADMIN);
        today = LocalDate.now(BeijingTime.ZONE).toString();
        long now = System.currentTimeMillis();
        for (String unit : List.of(A, B, ELSEWHERE)) {
            SimulatedBox box = SimulatedBox.lab(m, unit).connect();
            boxes.add(box);
            BoxReports r = new BoxReports(box).birth(unit.equals(B) ? HOSTILE : "测试单位 " + unit);
            box.health();
            r.telemetry(BoxMetrics.ISOLATION_APP, BoxMetrics.POLICY_RESOURCE, Map.of(BoxMetrics.POLICY_STATE, "IN_FORCE",
                    BoxMetrics.POLICY_NAME, "baseline", BoxMetrics.POLICY_VERSION, "2026.1", BoxMetrics.POLICY_SHA256, "cd".repeat(32),
                    BoxMetrics.POLICY_DRIFT, false, BoxMetrics.POLICY_VERIFIED_AT, now, BoxMetrics.ROUTE_STATE, "NO_ROUTE",
                    BoxMetrics.ROUTE_CHECKED_AT, now, BoxMetrics.ROUTE_FINDINGS, 0L));
            r.telemetry(PortalMetrics.APP, PortalMetrics.PROBE_RESOURCE, Map.of(PortalMetrics.SITE, "www.jingxiu.gov.cn",
                    PortalMetrics.REACHABLE, true, PortalMetrics.HTTP_STATUS, 200L, PortalMetrics.STALE, false));
            if (unit.equals(A)) {
                r.alarm("isolation.outbound", Severity.CRITICAL, "违规外联: 10.6.8.9 reached 8.8.8.8", Map.of("src", "10.6.8.9", "dst", "8.8.8.8"));
            }
        }
        Poll.until("every box's reports stored", 30_000, () -> count("SELECT COUNT(*) FROM telemetry") == 6 && count("SELECT COUNT(*) FROM alarms") == 1);
    }

    @AfterAll
    void stop() throws Exception {
        for (SimulatedBox b : boxes) {
            b.close();
        }
        if (m != null) {
            m.close();
        }
        ca.close();
    }

    private long count(String sql) {
        try (Connection c = m.database().connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    private HttpResponse<byte[]> get(String path, String user) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(m.webUrl() + path));
        r.header("Authorization", user.equals("noc-token") ? "Bearer " + ManagerFixture.NOC_TOKEN : TestAccounts.basic(user));
        return http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private String query(String scope) {
        return "?scope=" + scope + "&from=" + today + "&to=" + today;
    }

    private List<AuditEntry> exports() throws Exception {
        return new AuditLog(m.database()).newest(200).stream().filter(e -> e.action().equals(ReportExportHandler.ACTION)).toList();
    }

    @Test
    void theAuditorsSignedPdfVerifiesAndMatchesTheStore() throws Exception {
        JsonNode report = json.readTree(get("/api/report" + query("1306"), "aud-zhao").body());
        String sha = report.get("evidenceSha256").asText();
        assertEquals(List.of(A, B, ELSEWHERE), units(report.get("report")), "the city's units");
        JsonNode violations = report.get("report").get("units").get(0).get("findings").get(ReportItem.VIOLATIONS.ordinal());
        assertEquals("FAIL", violations.get("verdict").asText());
        assertEquals(count("SELECT COUNT(*) FROM alarms WHERE client_id = '" + A + "' AND kind = 'isolation.outbound'"), violations.get("evidenceTotal").asLong());

        HttpResponse<byte[]> pdf = get("/api/report/pdf" + query("1306"), "aud-zhao");
        assertEquals(200, pdf.statusCode(), new String(pdf.body(), StandardCharsets.UTF_8));
        assertEquals("application/pdf", pdf.headers().firstValue("Content-Type").orElse(""));
        assertEquals("attachment; filename=\"audit-report-1306-" + today + "-" + today + ".pdf\"", pdf.headers().firstValue("Content-Disposition").orElse(""));
        assertEquals(sha, pdf.headers().firstValue("X-Evidence-SHA256").orElse(""), "no data changed between the two reads: the same hash");
        Files.write(dir.resolve("report.pdf"), pdf.body());
        Files.writeString(dir.resolve("root.pem"), PemFiles.encode(ca.rootCertificate()));

        Cli.Result sig = Cli.bash(dir, "rm -rf nss && mkdir nss && certutil -N -d sql:nss --empty-password"
                + " && certutil -A -d sql:nss -n hebei-root -t C,C,C -i root.pem && pdfsig -no-ocsp -nssdir sql:nss report.pdf");
        assertTrue(sig.output().contains("Signature Validation: Signature is Valid.") && sig.output().contains("Certificate is Trusted."), sig.output());

        String text = Cli.run(dir, List.of("pdftotext", "-enc", "UTF-8", "report.pdf", "-")).output();
        for (String expected : List.of("电子政务边缘网络审计报告", "保定市", A, "测试单位 " + A, "违规行为 Violations", "1 条违规 violation(s): isolation.outbound 1",
                "违规外联: 10.6.8.9 reached 8.8.8.8", today + " 至 " + today, sha)) {
            assertTrue(text.contains(expected), "the PDF shows '" + expected + "':\n" + text);
        }
        int fails = report.get("report").get("units").get(0).get("overall").asText().equals("FAIL") ? 1 : 0;
        assertTrue(text.contains("不合格 FAIL"), text);
        assertEquals(1, fails);

        Cli.Result detach = Cli.bash(dir, "pdfdetach -save 1 -o evidence.json report.pdf && sha256sum evidence.json");
        assertTrue(detach.output().startsWith(sha), "the attached evidence has the stated hash: " + detach.output());
        assertEquals(report.get("report"), json.readTree(dir.resolve("evidence.json").toFile()), "the attached evidence is the JSON report");

        AuditEntry audited = exports().stream().filter(e -> e.actor().equals("aud-zhao") && e.target().startsWith("pdf 1306")).findFirst().orElseThrow();
        assertEquals(AuditEntry.Outcome.SUCCESS, audited.outcome());
        assertTrue(audited.detail().contains("evidence SHA-256 " + sha), audited.detail());
    }

    private static List<String> units(JsonNode report) {
        List<String> out = new ArrayList<>();
        report.get("units").forEach(u -> out.add(u.get("unit").get("code").asText()));
        return out;
    }

    @Test
    void theCsvOpensInExcelAndShowsFormulasAsText() throws Exception {
        HttpResponse<byte[]> csv = get("/api/report/csv" + query("130602"), "admin-sun");
        assertEquals(200, csv.statusCode(), new String(csv.body(), StandardCharsets.UTF_8));
        byte[] b = csv.body();
        assertTrue((b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF, "UTF-8 byte-order mark");
        String text = new String(b, 3, b.length - 3, StandardCharsets.UTF_8);
        String sha = csv.headers().firstValue("X-Evidence-SHA256").orElseThrow();
        assertTrue(text.contains("证据 SHA-256 Evidence SHA-256," + sha + "\r\n"), text);
        assertTrue(text.contains(",\"'" + HOSTILE.replace("\"", "\"\"") + "\","), "the hostile name is text, quoted: " + text);
        assertTrue(!text.contains(",\"=HYPERLINK") && !text.contains(",=HYPERLINK"), "no cell starts with '='");
        assertTrue(text.contains(A + ",测试单位 " + A + ",保定市,竞秀区,违规行为 Violations,不合格 FAIL,"), text);
        assertTrue(exports().stream().anyMatch(e -> e.actor().equals("admin-sun") && e.target().startsWith("csv 130602")
                && e.outcome() == AuditEntry.Outcome.SUCCESS), "audited");
    }

    @Test
    void anOperatorReadsButMayNotExport() throws Exception {
        assertEquals(200, get("/api/report" + query("13"), "noc-wang").statusCode());
        HttpResponse<byte[]> pdf = get("/api/report/pdf" + query("13"), "noc-wang");
        assertEquals(403, pdf.statusCode());
        assertTrue(new String(pdf.body(), StandardCharsets.UTF_8).contains("role noc may not export reports"));
        assertEquals(403, get("/api/report/csv" + query("13"), "noc-token").statusCode());
        List<AuditEntry> refused = exports().stream().filter(e -> e.outcome() == AuditEntry.Outcome.REFUSED && e.role().equals("noc")).toList();
        assertTrue(refused.stream().anyMatch(e -> e.actor().equals("noc-wang") && e.target().startsWith("pdf ")), refused.toString());
        assertTrue(refused.stream().anyMatch(e -> e.actor().equals("noc") && e.target().startsWith("csv ")), "the API token too: " + refused);
    }

    @Test
    void aTechnicianSeesItsCountyOnlyAndExportsNothing() throws Exception {
        JsonNode own = json.readTree(get("/api/report" + query("130602"), "bd-tech").body());
        assertEquals(List.of(A, B), units(own.get("report")));
        JsonNode byDefault = json.readTree(get("/api/report?from=" + today + "&to=" + today, "bd-tech").body());
        assertEquals("130602", byDefault.get("report").get("scope").asText());
        for (String other : List.of("130681", ELSEWHERE, "1306", "13", "130699")) {
            HttpResponse<byte[]> r = get("/api/report" + query(other), "bd-tech");
            assertEquals(404, r.statusCode(), other);
            assertEquals("{\"error\":\"no such scope\"}", new String(r.body(), StandardCharsets.UTF_8), "the same answer as for nothing: " + other);
        }
        assertEquals(403, get("/api/report/pdf" + query("130602"), "bd-tech").statusCode());
        assertEquals(403, get("/api/report/csv" + query("130602"), "bd-tech").statusCode());
    }

    @Test
    void badParametersAreOneSentence() throws Exception {
        HttpResponse<byte[]> r = get("/api/report?scope=1306&from=2026-13-01", "aud-zhao");
        assertEquals(400, r.statusCode());
        assertEquals("{\"error\":\"from must be a date like 2026-01-31, got '2026-13-01'\"}", new String(r.body(), StandardCharsets.UTF_8));
        r = get("/api/report?scope=9999", "aud-zhao");
        assertEquals(400, r.statusCode());
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("scope must be the province (13), a city (1306)"));
        r = get("/api/report/pdf?from=2020-01-01&to=2026-01-01", "aud-zhao");
        assertEquals(400, r.statusCode());
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("days long; at most 400"), new String(r.body(), StandardCharsets.UTF_8));
        assertTrue(exports().stream().anyMatch(e -> e.outcome() == AuditEntry.Outcome.REFUSED && e.detail().contains("at most 400")),
                "a refused export is audited too");
    }
}
