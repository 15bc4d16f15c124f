package cn.egov.manager.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.account.Role;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.support.Browser;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.TestAccounts;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * People log in with the form in Debian's Chromium (Selenium, Debian's chromedriver): each role
 * lands on its first page and sees its navigation; a forged session cookie is sent to the log-in
 * form; a POST without the session's CSRF token is refused (and one with it goes through to the
 * handler); an auditor's state-changing request is refused, written to the audit log, and the
 * auditor sees it on {@code /audit} and in {@code /api/audit}; a log-out ends the session; wrong
 * passwords are rate-limited (429), the right one too while the window lasts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoginSessionBrowserTest {

    @TempDir
    static Path dir;

    private ManagerAssembly m;
    private ChromeDriver browser;

    @BeforeAll
    void start() throws Exception {
        m = ManagerFixture.start(dir.resolve("manager"));
        TestAccounts.add(m.database(), "noc-wang", Role.NOC);
        TestAccounts.add(m.database(), "aud-zhao", Role.AUDITOR);
        TestAccounts.add(m.database(), "bd-tech", Role.TECHNICIAN, "130602");
        TestAccounts.add(m.database(), "duty-liu", Role.DUTY_OFFICER);
        TestAccounts.add(m.database(), "admin-sun", Role.ADMIN);
        browser = Browser.start(dir.resolve("chromium"));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        m.close();
    }

    /** A script's POST from the page, as the page's own code would send it; returns status and body. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> post(String path, String json, String csrf) {
        return (Map<String, Object>) ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const headers = {'Content-Type': 'application/json'};
                if (arguments[2]) { headers['X-CSRF-Token'] = arguments[2]; }
                fetch(arguments[0], {method: 'POST', headers: headers, body: arguments[1], credentials: 'same-origin'})
                  .then(r => r.text().then(t => done({status: r.status, body: t})))
                  .catch(e => done({status: -1, body: String(e)}));
                """, path, json, csrf);
    }

    private String csrf() {
        return browser.findElement(By.cssSelector("form.logout input[name=_csrf]")).getAttribute("value");
    }

    @Test
    @Order(1)
    void eachRoleLogsInWithTheFormAndSeesItsPages() {
        Map<String, List<String>> expected = Map.of(
                "noc-wang", List.of("/fleet", "设备 Fleet", "隔离策略 Policy", "地址规划 Plan"),
                "aud-zhao", List.of("/fleet", "设备 Fleet", "审计日志 Audit log"),
                "bd-tech", List.of("/fleet", "设备 Fleet", "地址规划 Plan"),
                "duty-liu", List.of("/fleet", "设备 Fleet"),
                "admin-sun", List.of("/audit", "审计日志 Audit log"));
        expected.forEach((user, pages) -> {
            Browser.logIn(browser, m.webUrl(), "/", user, TestAccounts.PASSWORD);
            assertTrue(browser.getCurrentUrl().endsWith(pages.get(0)), user + " lands on " + pages.get(0) + ": " + browser.getCurrentUrl());
            String nav = browser.findElement(By.tagName("nav")).getText();
            for (String title : pages.subList(1, pages.size())) {
                assertTrue(nav.contains(title), user + " sees " + title + " in " + nav);
            }
            assertTrue(browser.findElement(By.className("who")).getText().startsWith(user));
            Cookie session = browser.manage().getCookieNamed(Sessions.PLAIN_COOKIE);
            assertTrue(session.isHttpOnly(), "HttpOnly");
            assertEquals("Strict", session.getSameSite());
            assertTrue(session.getExpiry() != null, "the cookie expires");
            browser.findElement(By.id("logout")).click();
            // the click answers before the log-in page is there (failed once under load)
            Browser.await("logged out: the log-in page", () -> browser.getCurrentUrl().contains("/login"));
            browser.get(m.webUrl() + pages.get(0));
            assertTrue(browser.getCurrentUrl().contains("/login"), "the session ended at log-out");
        });
        assertFalse(expected.get("admin-sun").contains("设备 Fleet"), "an administrator sees no fleet data");
    }

    @Test
    @Order(2)
    void aForgedSessionCookieIsSentToTheLogInForm() {
        browser.get(m.webUrl() + "/login");
        browser.manage().deleteAllCookies();
        browser.manage().addCookie(new Cookie(Sessions.PLAIN_COOKIE, Sessions.random()));
        browser.get(m.webUrl() + "/fleet");
        assertTrue(browser.getCurrentUrl().contains("/login?next=%2Ffleet"), browser.getCurrentUrl());
        assertTrue(browser.findElements(By.id("box-130602-001")).isEmpty());
    }

    @Test
    @Order(3)
    void aPostWithoutTheSessionsCsrfTokenIsRefused() {
        Browser.logIn(browser, m.webUrl(), "/plan", "noc-wang", TestAccounts.PASSWORD);
        Map<String, Object> without = post("/api/plan/rollback", "{}", null);
        assertEquals(403L, ((Number) without.get("status")).longValue(), without.toString());
        assertTrue(String.valueOf(without.get("body")).contains("no CSRF token"), without.toString());
        Map<String, Object> wrong = post("/api/plan/rollback", "{}", Sessions.random());
        assertEquals(403L, ((Number) wrong.get("status")).longValue(), wrong.toString());
        Map<String, Object> with = post("/api/plan/rollback", "{}", csrf());
        assertFalse(((Number) with.get("status")).longValue() == 403L, "with its token the request reaches the handler: " + with);
    }

    @Test
    @Order(4)
    void anAuditorsChangeIsRefusedLoggedAndVisibleToTheAuditor() throws Exception {
        Browser.logIn(browser, m.webUrl(), "/fleet", "aud-zhao", TestAccounts.PASSWORD);
        Map<String, Object> r = post("/api/plan/rollback", "{}", csrf());
        assertEquals(403L, ((Number) r.get("status")).longValue(), r.toString());
        AuditEntry refused = new AuditLog(m.database()).newest(50).stream()
                .filter(e -> e.actor().equals("aud-zhao") && e.target().equals("/api/plan/rollback")).findFirst().orElseThrow();
        assertEquals(AuditEntry.Outcome.REFUSED, refused.outcome());
        assertEquals("auditor", refused.role());
        assertEquals("127.0.0.1", refused.source());
        browser.get(m.webUrl() + "/audit");
        String table = browser.findElement(By.id("audit")).getText();
        assertTrue(table.contains("aud-zhao") && table.contains("/api/plan/rollback") && table.contains("REFUSED"), table);
        assertTrue(table.contains("login") && table.contains("SUCCESS"), "log-ins are audited too: " + table);
        browser.get(m.webUrl() + "/api/audit?limit=5");
        assertTrue(browser.findElement(By.tagName("body")).getText().contains("\"retentionDays\":400"));
    }

    @Test
    @Order(5)
    void wrongPasswordsAreRateLimitedTheRightOneToo() {
        browser.manage().deleteAllCookies();
        browser.get(m.webUrl() + "/login");
        for (int i = 0; i < 5; i++) {
            Browser.fill(browser, "noc-wang", "not-the-password-" + i);
            assertTrue(browser.findElement(By.id("login-error")).getText().contains("Wrong user name or password"));
        }
        Browser.fill(browser, "noc-wang", TestAccounts.PASSWORD);
        assertTrue(browser.findElement(By.id("login-error")).getText().contains("Too many failed log-ins"),
                browser.findElement(By.id("login-error")).getText());
        assertTrue(browser.getCurrentUrl().contains("/login"), "not logged in");
    }
}
