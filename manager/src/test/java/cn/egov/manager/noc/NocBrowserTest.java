package cn.egov.manager.noc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.AlarmCatalogue;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.account.Role;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.support.Browser;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.Poll;
import cn.egov.manager.support.SimulatedBox;
import cn.egov.manager.support.TestAccounts;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The NOC's day in Debian's Chromium at 1366×768 (Selenium, Debian's chromedriver): log in, open
 * the tree, drill down city → county → unit fed by a simulated box over MQTT, see its health graph
 * drawn by ECharts (a canvas with the box's points), acknowledge an alarm and comment it with the
 * page's own script under the CSP; the box's display name and alarm text carrying markup show as
 * text and run nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NocBrowserTest {

    private static final String UNIT = "130602-001";
    private static final String HOSTILE_NAME = "<script>window.pwned=1</script>竞秀教育局盒子";
    private static final String HOSTILE_MESSAGE = "outbox full <img src=x onerror=\"window.pwned=2\">";
    private static final int POINTS = 40;

    @TempDir
    static Path dir;
    private ManagerAssembly m;
    private SimulatedBox box;
    private ChromeDriver browser;

    @BeforeAll
    void managerBoxAndBrowser() throws Exception {
        m = ManagerAssembly.start(ManagerFixture.withPlan(ManagerFixture.config(dir.resolve("manager"))), ManagerAssembly.Options.defaults());
        TestAccounts.add(m.database(), "noc-wang", Role.NOC);
        box = SimulatedBox.lab(m, UNIT).connect();
        long now = System.currentTimeMillis();
        box.publish(KuraTopic.birth(SimulatedBox.ACCOUNT, UNIT).toString(), KuraPayloadCodec.encode(KuraPayload.builder().timestamp(now)
                .metric(BoxMetrics.DISPLAY_NAME, HOSTILE_NAME).metric(BoxMetrics.UNIT_CODE, UNIT)
                .metric(BoxMetrics.FIRMWARE_VERSION, "1.4.2").metric(BoxMetrics.HEALTH_INTERVAL_S, 60)
                .metric(MessageId.EPOCH_METRIC, box.epoch()).metric(MessageId.SEQUENCE_METRIC, 0L).build()));
        // the last 3 h 20 min, one sample every 5 minutes, oldest first: each in its own minute bucket
        for (int i = POINTS - 1; i >= 0; i--) {
            NocBoxes.health(box, now - i * 300_000L, 0.1 + 0.02 * (i % 10));
        }
        NocBoxes.report(box, "VPN", "tunnel", Map.of("state", "UP", "hub", "hub.hebei.gov.cn"));
        NocBoxes.alarm(box, new Alarm("outbox.eviction", Alarm.Severity.MAJOR, "telemetry", HOSTILE_MESSAGE, Map.of("evicted", "12"), now));
        box.flush();
        Poll.until("the box's health in the graphs and its alarm", 30_000, () -> {
            try (var c = m.database().connect(); var s = c.createStatement();
                 var rs = s.executeQuery("SELECT (SELECT COUNT(*) FROM noc_series WHERE client_id = '" + UNIT + "' AND resolution_s = 60"
                         + " AND metric = 'cpu_load'), (SELECT COUNT(*) FROM alarms WHERE client_id = '" + UNIT + "')")) {
                return rs.next() && rs.getInt(1) == POINTS && rs.getInt(2) == 1;
            } catch (Exception e) {
                return false;
            }
        });
        browser = Browser.start(dir.resolve("chromium"));
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
    }

    @Test
    void theNocDrillsDownToAUnitSeesItsGraphAndAcknowledgesAndCommentsItsAlarm() throws Exception {
        Browser.logIn(browser, m.webUrl(), "/noc", "noc-wang", TestAccounts.PASSWORD);
        assertEquals("1", browser.findElement(By.id("connected-total")).getText());
        // the tree: the city is folded; open it, then the county, then the unit
        WebElement city = browser.findElement(By.id("city-1306"));
        assertEquals(null, city.getAttribute("open"));
        city.findElement(By.tagName("summary")).click();
        browser.findElement(By.cssSelector("#county-130602 a")).click();
        await("the county's units", () -> !browser.findElements(By.id("unit-" + UNIT)).isEmpty());
        WebElement row = browser.findElement(By.id("unit-" + UNIT));
        assertTrue(row.getText().contains("竞秀区教育局"), row.getText());
        row.findElement(By.cssSelector("a[href='/noc/units/" + UNIT + "']")).click();
        await("the unit page", () -> !browser.findElements(By.id("unit-code")).isEmpty());

        assertTrue(browser.findElement(By.id("ind-box")).getText().contains("正常"));
        assertTrue(browser.findElement(By.id("ind-tunnel")).getText().contains("hub.hebei.gov.cn"));
        // the box's own text is text: the name with its tag shows as typed, and nothing ran
        assertTrue(browser.findElement(By.id("box")).getText().contains(HOSTILE_NAME));
        assertTrue(browser.findElement(By.id("alarms")).getText().contains(HOSTILE_MESSAGE));
        assertEquals(Boolean.TRUE, browser.executeScript("return window.pwned === undefined"));
        assertTrue(browser.findElements(By.xpath("//script[contains(., 'pwned')]")).isEmpty());
        assertTrue(browser.findElements(By.cssSelector("#alarms img")).isEmpty());
        // the alarm's kind with its Chinese name, for the operator who does not read outbox.eviction
        assertTrue(browser.findElement(By.id("alarms")).getText().contains("上报队列已满 outbox.eviction"),
                browser.findElement(By.id("alarms")).getText());

        // the graph: ECharts drew the 40 points of the last hours on a canvas
        WebElement chart = browser.findElement(By.id("chart-cpu_load"));
        await("the cpu graph drawn", () -> String.valueOf(POINTS).equals(chart.getAttribute("data-points")));
        assertEquals("MINUTE", chart.getAttribute("data-resolution"));
        Object series = browser.executeScript("var c = echarts.getInstanceByDom(arguments[0]);"
                + " return c.getOption().series.map(function (s) { return s.data.length; });", chart);
        assertEquals(List.of(40L, 40L, 40L), series, "max, avg and min lines of 40 points each");
        Object painted = browser.executeScript("var canvas = arguments[0].querySelector('canvas');"
                + " var d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data; var n = 0;"
                + " for (var i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return [canvas.width, canvas.height, n];", chart);
        List<?> p = (List<?>) painted;
        assertTrue(((Number) p.get(0)).intValue() > 300 && ((Number) p.get(1)).intValue() > 150, "canvas size " + p);
        assertTrue(((Number) p.get(2)).intValue() > 1000, "pixels painted " + p);
        click(browser.findElement(By.cssSelector("button[data-hours='48']")));
        await("the 48-hour range", () -> browser.findElement(By.id("range-shown")).getText().contains("48"));

        // acknowledge the alarm with its button; the page comes back with it acknowledged
        WebElement ack = browser.findElement(By.cssSelector("#alarms button[data-ack]"));
        String id = ack.getAttribute("data-ack");
        click(ack);
        await("the alarm acknowledged", () -> {
            try {
                return browser.findElement(By.cssSelector("#alarm-" + id + " td.state")).getText().contains("noc-wang");
            } catch (org.openqa.selenium.WebDriverException reloading) {
                return false;
            }
        });
        assertTrue(browser.findElements(By.cssSelector("#alarms button[data-ack]")).isEmpty());

        // comment it on its own page
        click(browser.findElement(By.cssSelector("#alarm-" + id + " a[href='/noc/alarms/" + id + "']")));
        await("the alarm's page", () -> !browser.findElements(By.id("comment-text")).isEmpty());
        assertTrue(browser.findElement(By.id("alarm-ack")).getText().contains("noc-wang"));
        assertEquals("上报队列已满 outbox.eviction", browser.findElement(By.id("alarm-kind")).getText());
        assertEquals(AlarmCatalogue.of("outbox.eviction").advice(), browser.findElement(By.id("alarm-advice")).getText());
        browser.findElement(By.id("comment-text")).sendKeys("已电话通知竞秀区技术员 <b>call back</b>");
        click(browser.findElement(By.cssSelector("#comment-form button[type=submit]")));
        await("the comment shown", () -> {
            try {
                return browser.findElement(By.id("comments")).getText().contains("已电话通知竞秀区技术员 <b>call back</b>");
            } catch (org.openqa.selenium.WebDriverException reloading) {
                return false;
            }
        });
        assertTrue(browser.findElement(By.id("comments")).getText().contains("noc-wang"));

        // and the alarm list shows it acknowledged by whom
        browser.get(m.webUrl() + "/noc/alarms?state=acknowledged");
        assertTrue(browser.findElement(By.id("alarm-" + id)).getText().contains("noc-wang"));
        assertTrue(browser.findElement(By.cssSelector("#alarm-" + id + " td.kind")).getText().equals("上报队列已满 outbox.eviction"));
        List<String> csp = browser.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage)
                .filter(msg -> msg.contains("Content Security Policy") || msg.contains("Refused")).toList();
        assertEquals(List.of(), csp);

        // a box's kind and message without a blank, as long as a payload allows, wrap inside the table:
        // the alarm list stays as wide as the 1366-pixel window, its other columns readable
        String longKind = "x".repeat(600);
        NocBoxes.alarm(box, new Alarm(longKind, Alarm.Severity.MINOR, "telemetry", "y".repeat(2000), Map.of(), System.currentTimeMillis()));
        box.flush();
        await("the long alarm listed", () -> {
            browser.get(m.webUrl() + "/noc/alarms");
            return browser.getPageSource().contains(longKind);
        });
        Object widths = browser.executeScript("return [document.documentElement.scrollWidth, window.innerWidth];");
        List<?> w = (List<?>) widths;
        assertTrue(((Number) w.get(0)).intValue() <= ((Number) w.get(1)).intValue(), "page width, window width: " + w);
    }

    /**
     * Brings the element to the middle of the 1366×768 window, as a person scrolls, and clicks it
     * (at once: Bootstrap's smooth scrolling would still be moving when the click lands).
     */
    private void click(WebElement e) {
        browser.executeScript("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", e);
        try {
            e.click();
        } catch (org.openqa.selenium.ElementClickInterceptedException x) {
            // say where it was and what covered it
            throw new AssertionError("window, element rect, page height, element at its corner: " + browser.executeScript("var r = arguments[0].getBoundingClientRect(); var t = document.elementFromPoint(r.x + 2, r.y + 2);"
                    + " return [window.innerWidth, window.innerHeight, r.x, r.y, r.width, r.height, document.documentElement.scrollHeight,"
                    + " t ? t.outerHTML.substring(0, 200) : 'none'];", e).toString(), x);
        }
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        Poll.until(what, 30_000, condition);
    }
}
