package cn.egov.manager.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.Poll;
import cn.egov.manager.support.SimulatedBox;
import cn.egov.manager.support.Browser;
import cn.egov.manager.support.TestAccounts;
import cn.egov.manager.account.Role;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's Chromium, driven by Selenium through Debian's chromedriver, opens every page under the
 * manager's Content-Security-Policy: the pages render with their stylesheet and the browser reports
 * no CSP violation. The same check catches a violation when one is planted, so its silence means
 * something. A box's hostile display name is shown as text.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityHeadersBrowserTest {

    private static final String UNIT = "130602-001";
    private static final String HOSTILE = "<img src=x onerror=alert(1)><style>body{display:none}</style>";

    @TempDir
    static Path dir;

    private ManagerAssembly m;
    private ChromeDriver browser;

    @BeforeAll
    void managerAndBrowser() throws Exception {
        ManagerConfig fixture = ManagerFixture.config(dir.resolve("manager"));
        m = ManagerAssembly.start(new ManagerConfig("test", fixture.values(), Map.of("plan.dir", "../rules/plan")),
                ManagerAssembly.Options.defaults());
        try (SimulatedBox box = SimulatedBox.lab(m, UNIT).connect()) {
            box.publish(KuraTopic.birth(SimulatedBox.ACCOUNT, UNIT).toString(), KuraPayloadCodec.encode(KuraPayload.builder()
                    .metric(BoxMetrics.UNIT_CODE, UNIT).metric(BoxMetrics.DISPLAY_NAME, HOSTILE).build()));
            box.flush();
        }
        Poll.until("the box", 30_000, () -> m.fleet().get(UNIT).isPresent());

        TestAccounts.add(m.database(), "noc-wang", Role.NOC);
        browser = Browser.start(dir.resolve("chromium"));
        Browser.logIn(browser, m.webUrl(), "/fleet", "noc-wang", TestAccounts.PASSWORD);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        m.close();
    }

    private String url(String path) {
        return m.webUrl() + path;
    }

    /** Console messages about the Content-Security-Policy since the last call. */
    private List<String> cspViolations() {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage)
                .filter(msg -> msg.contains("Content Security Policy") || msg.contains("Content-Security-Policy")).toList();
    }

    @Test
    void everyPageRendersUnderTheCspWithoutViolations() {
        for (String path : List.of("/fleet", "/plan", "/plan?q=10.6.8.9", "/plan?unit=130602-001", "/policy", "/", "/api/docs")) {
            browser.get(url(path));
            assertTrue(browser.findElement(By.tagName("h1")).isDisplayed(), path);
            Object header = ((JavascriptExecutor) browser).executeScript(
                    "return getComputedStyle(document.querySelector('header')).backgroundColor");
            assertEquals("rgb(31, 59, 99)", header, path + ": the stylesheet from /assets applies");
            assertEquals(List.of(), cspViolations(), path);
        }
        browser.get(url("/fleet"));
        String name = browser.findElement(By.id("box-" + UNIT)).findElements(By.tagName("td")).get(1).getText();
        assertEquals(HOSTILE, name, "the display name is text, not markup");
        assertTrue(browser.findElement(By.tagName("body")).isDisplayed(), "the planted style did not hide the page");
    }

    @Test
    void theCheckSeesAViolationWhenOneIsPlanted() {
        browser.get(url("/fleet"));
        cspViolations();
        // inline style from a script the test runs: the page's policy refuses it, and the browser says so
        ((JavascriptExecutor) browser).executeScript(
                "var s = document.createElement('style'); s.textContent = 'header{background:red}'; document.head.appendChild(s);");
        Object header = ((JavascriptExecutor) browser).executeScript(
                "return getComputedStyle(document.querySelector('header')).backgroundColor");
        assertEquals("rgb(31, 59, 99)", header, "the inline style was not applied");
        List<String> seen = cspViolations();
        assertTrue(seen.stream().anyMatch(s -> s.contains("inline style") && s.contains("default-src 'self'")),
                "the console reports the refused inline style: " + seen);
    }
}
