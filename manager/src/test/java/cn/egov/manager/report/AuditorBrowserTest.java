package cn.egov.manager.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.manager.account.Role;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.PemFiles;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.evidence.BoxReports;
import cn.egov.manager.evidence.MoreWire;
import cn.egov.api.time.BeijingTime;
import cn.egov.manager.support.Browser;
import cn.egov.manager.support.Cli;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.Poll;
import cn.egov.manager.support.SimulatedBox;
import cn.egov.manager.support.TestAccounts;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * In Debian's headless Chromium (Selenium, Debian's chromedriver), on a manager with its CA and
 * the address plan: the auditor logs in with the form, picks a scope and a period, sees the
 * verdicts and downloads the signed PDF (pdfsig verifies it, pdftotext shows the Chinese text) and
 * the CSV; the task book page shows progress per city; an operator enters a task by hand with the
 * page's form (its CSRF token) and sees it, while the same POST without the token is refused; the
 * operator sees no export link and the auditor no entry form.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditorBrowserTest {

    static final String UNIT = "130602-001";

    @TempDir
    static Path dir;
    private ProvincialCa ca;
    private ManagerAssembly m;
    private SimulatedBox box;
    private ChromeDriver browser;
    private Path downloads;
    private String today;
    private String weekAgo;

    @BeforeAll
    void start() throws Exception {
        ca = ProvincialCa.create(dir.resolve("ca"), "browser test".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"));
        m = ManagerAssembly.start(ManagerFixture.withPlan(ManagerFixture.config(dir.resolve("manager"))),
                ManagerAssembly.Options.defaults().withTlsCa(ca));
        TestAccounts.add(m.database(), "aud-zhao", Role.AUDITOR);
        TestAccounts.add(m.database(), "noc-wang", Role.NOC);
        today = LocalDate.now(BeijingTime.ZONE).toString();
        weekAgo = LocalDate.now(BeijingTime.ZONE).minusDays(7).toString();
        box = SimulatedBox.lab(m, UNIT).connect();
        box.birth(60);
        box.health();
        long now = System.currentTimeMillis();
        new BoxReports(box)
                .telemetry(BoxMetrics.ISOLATION_APP, BoxMetrics.POLICY_RESOURCE, Map.of(BoxMetrics.POLICY_STATE, "IN_FORCE",
                        BoxMetrics.POLICY_NAME, "baseline", BoxMetrics.POLICY_VERSION, "2026.1", BoxMetrics.POLICY_VERIFIED_AT, now,
                        BoxMetrics.ROUTE_STATE, "NO_ROUTE", BoxMetrics.ROUTE_CHECKED_AT, now))
                .telemetry(BoxMetrics.VPN_APP, BoxMetrics.VPN_RESOURCE, Map.of(MoreWire.VPN_STATE, MoreWire.VPN_UP));
        Poll.until("the box's reports stored", 30_000, () -> m.fleet().get(UNIT).isPresent() && stored() == 2);
        downloads = Files.createDirectories(dir.resolve("downloads"));
        browser = chromium(dir.resolve("chromium"), downloads);
    }

    private long stored() {
        try (var c = m.database().connect(); var s = c.createStatement(); var rs = s.executeQuery("SELECT COUNT(*) FROM telemetry")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (Exception e) {
            return -1;
        }
    }

    /** {@link Browser#start} with a download folder: a link that answers with an attachment saves it there. */
    private static ChromeDriver chromium(Path profile, Path downloads) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1366,768",
                "--user-data-dir=" + profile);
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(), "download.prompt_for_download", false,
                "download.directory_upgrade", true));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build(),
                options);
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (box != null) {
            box.close();
        }
        if (m != null) {
            m.close();
        }
        ca.close();
    }

    private Path download(String name) throws InterruptedException {
        Path file = downloads.resolve(name);
        Poll.until("the download of " + name, 60_000, () -> Files.exists(file) && !Files.exists(downloads.resolve(name + ".crdownload")));
        return file;
    }

    @Test
    @Order(1)
    void theAuditorPicksAPeriodAndDownloadsTheSignedReport() throws Exception {
        Browser.logIn(browser, m.webUrl(), "/report", "aud-zhao", TestAccounts.PASSWORD);
        for (String[] field : new String[][]{{"scope", "1306"}, {"from", weekAgo}, {"to", today}}) {
            WebElement input = browser.findElement(By.id(field[0]));
            input.clear();
            input.sendKeys(field[1]);
        }
        browser.findElement(By.id("show")).click();
        Poll.until("the report of the period", 30_000, () -> browser.getCurrentUrl().contains("from=" + weekAgo));
        String units = browser.findElement(By.id("units")).getText();
        assertTrue(units.contains(UNIT) && units.contains("竞秀区教育局") && units.contains("130681-003"), units);
        assertTrue(browser.findElement(By.id("unit-" + UNIT)).getText().contains("合格 PASS"), "its policy is in force and verified");
        String sha = browser.findElement(By.id("sha256")).getText();

        browser.findElement(By.id("export-pdf")).click();
        Path pdf = download("audit-report-1306-" + weekAgo + "-" + today + ".pdf");
        Files.writeString(dir.resolve("root.pem"), PemFiles.encode(ca.rootCertificate()));
        Cli.Result sig = Cli.bash(dir, "rm -rf nss && mkdir nss && certutil -N -d sql:nss --empty-password"
                + " && certutil -A -d sql:nss -n hebei-root -t C,C,C -i root.pem && pdfsig -no-ocsp -nssdir sql:nss '" + pdf + "'");
        assertTrue(sig.output().contains("Signature Validation: Signature is Valid.") && sig.output().contains("Certificate is Trusted."), sig.output());
        String text = Cli.run(dir, List.of("pdftotext", "-enc", "UTF-8", pdf.toString(), "-")).output();
        assertTrue(text.contains("审计报告") && text.contains("竞秀区教育局") && text.contains(weekAgo + " 至 " + today), text);
        assertTrue(text.contains(sha), "the hash the page showed, unchanged data: " + sha);

        browser.findElement(By.id("export-csv")).click();
        byte[] csv = Files.readAllBytes(download("audit-report-1306-" + weekAgo + "-" + today + ".csv"));
        assertEquals(0xEF, csv[0] & 0xff);
        assertTrue(browser.findElements(By.id("entry-form")).isEmpty(), "no entry form on the report");
    }

    @Test
    @Order(2)
    void theTaskBookShowsProgressPerCity() throws Exception {
        browser.get(m.webUrl() + "/taskbook");
        WebElement progress = browser.findElement(By.id("progress"));
        String table = progress.getText();
        assertTrue(table.contains("保定市") && table.contains("石家庄市"), table);
        WebElement baoding = browser.findElement(By.id("city-1306"));
        // 保定市 has 7 units in rules/plan; the box of 130602-001 reported its tunnel up and its policy in force: 2 of 70 tasks
        WebElement bar = baoding.findElement(By.tagName("progress"));
        assertEquals("2", bar.getAttribute("value"));
        assertEquals("70", bar.getAttribute("max"));
        assertTrue(baoding.getText().contains(" 2% (2/70)"), baoding.getText());
        assertTrue(browser.findElements(By.id("entry-form")).isEmpty(), "auditors enter nothing");
        assertTrue(!browser.findElements(By.id("export-csv")).isEmpty(), "auditors export");
    }

    @Test
    @Order(3)
    void anOperatorEntersATaskWithThePagesForm() throws Exception {
        Browser.logIn(browser, m.webUrl(), "/taskbook", "noc-wang", TestAccounts.PASSWORD);
        assertTrue(browser.findElements(By.id("export-csv")).isEmpty(), "operators do not export");
        browser.findElement(By.id("entry-unit")).sendKeys(UNIT);
        browser.findElement(By.cssSelector("#entry-task option[value=TRAINING]")).click();
        browser.findElement(By.id("entry-note")).sendKeys("全员培训，签到表存档 C-3");
        WebElement form = browser.findElement(By.id("entry-form"));
        browser.findElement(By.id("entry-submit")).click();
        Poll.until("the task book after the entry", 30_000, () -> Browser.gone(form));
        assertTrue(browser.getCurrentUrl().contains("scope=130602"), browser.getCurrentUrl());
        String history = browser.findElement(By.id("history")).getText();
        assertTrue(history.contains("全员培训，签到表存档 C-3") && history.contains("noc-wang"), history);
        assertTrue(browser.findElement(By.id("unit-" + UNIT)).getText().contains("已完成 DONE"), browser.findElement(By.id("unit-" + UNIT)).getText());

        Object status = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/taskbook/entries', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},
                  body: 'year=' + new Date().getFullYear() + '&unit=130602-001&task=SECURITY_RULES&status=done&note=forged', credentials: 'same-origin'})
                  .then(r => done(r.status)).catch(e => done(-1));
                """);
        assertEquals(403L, ((Number) status).longValue(), "a POST without the session's CSRF token");
    }
}
