package cn.egov.manager.duty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.duty.DutyReport;
import cn.egov.api.duty.DutyReportPayload;
import cn.egov.api.duty.DutyTopics;
import cn.egov.api.duty.ReportLevel;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.account.Role;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.Poll;
import cn.egov.manager.support.SimulatedBox;
import cn.egov.manager.support.TestAccounts;
import cn.egov.rules.unit.UnitCode;
import java.io.File;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The duty office page in Debian's Chromium (Selenium, Debian's chromedriver): a duty officer
 * acknowledges a waiting report with its 签收 button (the page's own script, under the CSP); the
 * NOC sees the same page without buttons.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DutyPageBrowserTest {

    @TempDir
    static Path dir;
    private ManagerAssembly m;
    private ChromeDriver browser;

    @BeforeAll
    void managerAndBrowser() throws Exception {
        m = ManagerFixture.start(dir.resolve("manager"));
        TestAccounts.add(m.database(), "prov-duty", Role.DUTY_OFFICER);
        TestAccounts.add(m.database(), "noc-wang", Role.NOC);
        browser = cn.egov.manager.support.Browser.start(dir.resolve("chromium"));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (m != null) {
            m.close();
        }
    }

    /** Logs in with the form as {@code user} and opens {@code path}. */
    private void open(String user, String path) {
        cn.egov.manager.support.Browser.logIn(browser, m.webUrl(), path, user, TestAccounts.PASSWORD);
    }

    @Test
    void aDutyOfficerAcknowledgesAReportWithItsButton() throws Exception {
        DutyReport r = TestReports.initial(UnitCode.parse("130602-001"), Instant.now().minusSeconds(30), ReportLevel.MAJOR);
        try (SimulatedBox box = SimulatedBox.lab(m, "130602-001").connect()) {
            box.publish(KuraTopic.telemetry(SimulatedBox.ACCOUNT, "130602-001", DutyTopics.APP, DutyTopics.REPORT).toString(),
                    KuraPayloadCodec.encode(TestReports.payload(r, new MessageId("browser", 1))));
            box.flush();
        }
        Poll.until("the report at the office", 30_000, () -> {
            try {
                return m.database() != null && new DutyOfficeStore(m.database()).report(r.id()).isPresent();
            } catch (Exception e) {
                return false;
            }
        });

        open("noc-wang", "/duty");
        assertTrue(browser.findElement(By.id("report-" + r.id())).getText().contains("初报"));
        assertTrue(browser.findElements(By.id("ack-" + r.id())).isEmpty(), "the NOC reads, it does not acknowledge");

        open("prov-duty", "/duty");
        assertEquals("1", browser.findElement(By.id("waiting-count")).getText());
        browser.findElement(By.id("ack-" + r.id())).click();
        Poll.until("the page shows the report acknowledged", 30_000, () -> {
            try {
                return browser.findElement(By.id("report-" + r.id())).getText().contains("已签收");
            } catch (org.openqa.selenium.WebDriverException reloading) {
                return false;
            }
        });
        assertEquals("0", browser.findElement(By.id("waiting-count")).getText());
        assertTrue(browser.findElement(By.id("report-" + r.id())).getText().contains("prov-duty"));
        List<String> csp = browser.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage)
                .filter(msg -> msg.contains("Content Security Policy")).toList();
        assertEquals(List.of(), csp);
    }
}
