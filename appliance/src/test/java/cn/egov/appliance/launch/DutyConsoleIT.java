package cn.egov.appliance.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.console.store.Accounts;
import cn.egov.console.store.ConsoleDatabase;
import cn.egov.console.store.PasswordHash;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.support.Browser;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.TestAccounts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.osgi.framework.ServiceReference;

/**
 * The duty officer's day, in one headless Chromium (Debian's chromium and chromedriver): on the real
 * box (BoxRuntime on Felix, every bundle) the officer logs in to the console, records a 重大 event
 * and files its 初报; the report travels through the box's outbox to a real manager (embedded
 * Artemis, ingest); the province's duty officer opens the manager's /duty page and acknowledges
 * it (签收); the acknowledgement comes back to the box as the manager's receipt and the console
 * shows it. No page breaks the Content-Security-Policy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DutyConsoleIT {
    private static final String PASSWORD = "duty officer 12";
    private static final Duration WAIT = Duration.ofSeconds(90);

    private Path root;
    private ManagerAssembly manager;
    private BoxRuntime runtime;
    private URI console;
    private WebDriver driver;

    @BeforeAll
    void boxAndManager() throws Exception {
        root = Files.createTempDirectory("duty-it");
        manager = ManagerFixture.start(Files.createDirectories(root.resolve("manager")));
        TestAccounts.add(manager.database(), "prov-duty", cn.egov.manager.account.Role.DUTY_OFFICER);
        BoxFixture box = new BoxFixture(root.resolve("box"), manager.brokerUrl());
        // the manager lets no box in anonymously: the lab listener with a password issued for the unit
        Files.writeString(box.config.resolve("cn.egov.telemetry.cfg"), "username = 130602-001\npassword = "
                + ManagerFixture.labPassword(manager, "130602-001") + "\n", java.nio.file.StandardOpenOption.APPEND);
        // zhang is also the unit's duty lead (带班领导): he may keep the roster
        Files.writeString(box.config.resolve("cn.egov.duty.cfg"), "leads = zhang\n", java.nio.file.StandardOpenOption.APPEND);
        Files.createDirectories(box.data);
        try (ConsoleDatabase db = ConsoleDatabase.open(ConsoleDatabase.file(box.data))) {
            new Accounts(db, new PasswordHash(PasswordHash.Settings.DEFAULT), Clock.systemUTC())
                    .add("zhang", PASSWORD.toCharArray(), Set.of(cn.egov.console.api.Role.DUTY_OFFICER), "130602-001");
            new Accounts(db, new PasswordHash(PasswordHash.Settings.DEFAULT), Clock.systemUTC())
                    .add("wang-tech", PASSWORD.toCharArray(), Set.of(cn.egov.console.api.Role.TECHNICIAN), "130602-001");
        }
        runtime = BoxRuntime.start(box.settings(), new FrameworkFactory());
        var context = runtime.framework().getBundleContext();
        BoxFixture.await("the console to listen", () -> endpoint(context) != null);
        console = URI.create("https://127.0.0.1:" + endpoint(context).getProperty("console.port") + "/");
        BoxFixture.await("the box connected to the manager", () -> manager.fleet().get("130602-001").isPresent());
        driver = chromium();
    }

    private static ServiceReference<?> endpoint(org.osgi.framework.BundleContext context) {
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences("cn.egov.console.api.ConsoleEndpoint", null);
            return refs == null ? null : refs[0];
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (driver != null) {
            driver.quit();
        }
        if (runtime != null) {
            runtime.close();
        }
        if (manager != null) {
            manager.close();
        }
    }

    @Test
    @Order(1)
    void theBoxFilesAReportAndTheProvinceAcknowledgesIt() throws Exception {
        // --- on the box: log in, put himself on the roster (he is the duty lead), record the event, file the 初报
        logIn("zhang");
        driver.get(console.resolve("duty/roster").toString());
        driver.findElement(By.id("shift-id")).sendKeys("day-1");
        ((org.openqa.selenium.JavascriptExecutor) driver).executeScript("document.getElementById('shift-end').value = arguments[0];",
                java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm").format(
                        java.time.LocalDateTime.now(java.time.ZoneId.of("Asia/Shanghai")).plusHours(8)));
        driver.findElement(By.id("shift-person")).sendKeys("张三");
        driver.findElement(By.id("shift-phone")).sendKeys("0312-1234567");
        submit(driver.findElement(By.cssSelector("#shift-form button")));
        assertTrue(driver.findElement(By.id("shift-day-1")).getText().contains("在班 on duty"), driver.findElement(By.id("shifts")).getText());
        driver.get(console.resolve("duty/").toString());
        driver.findElement(By.id("title")).sendKeys("某化工厂储罐爆炸");
        new Select(driver.findElement(By.id("level"))).selectByValue("MAJOR");
        new Select(driver.findElement(By.id("category"))).selectByValue("ACCIDENT");
        submit(driver.findElement(By.id("register-submit")));
        assertTrue(driver.getCurrentUrl().matches(".*/duty/event/\\d+"), driver.getCurrentUrl());
        assertTrue(driver.findElement(By.id("written-state")).getText().contains("时限 due"), "the written deadline is shown");
        driver.findElement(By.id("location")).sendKeys("竞秀区朝阳南大街12号");
        driver.findElement(By.id("description")).sendKeys("储罐区发生爆炸,引发火灾,现场已疏散。");
        driver.findElement(By.id("injured")).clear();
        driver.findElement(By.id("injured")).sendKeys("3");
        submit(driver.findElement(By.id("report-submit")));
        String verdict = driver.findElement(By.id("verdict")).getText();
        Matcher id = Pattern.compile("初报 (\\d{14}_\\d{14}_\\d)").matcher(verdict);
        assertTrue(id.find(), verdict);
        String reportId = id.group(1);
        // the filing answered with a redirect to the event: a refresh shows it again and files nothing
        assertTrue(driver.getCurrentUrl().endsWith("?filed=" + reportId), driver.getCurrentUrl());
        driver.navigate().refresh();
        assertTrue(driver.findElement(By.id("verdict")).getText().contains("初报 " + reportId), driver.findElement(By.id("verdict")).getText());
        assertEquals(1, driver.findElements(By.cssSelector("#reports tbody tr")).size(), "one report, not two");
        assertTrue(reportId.startsWith("13060200100000_"), reportId);
        Files.write(root.resolve("box-filed.png"), ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
        assertNoCspViolations();

        // --- at the province: the report arrives; the duty officer acknowledges it on /duty
        HttpClient http = HttpClient.newHttpClient();
        BoxFixture.await("the report at the manager", () -> status(http, "/api/duty/reports/" + reportId) == 200);
        // browsers log in to the manager with its form (user:password@ in the URL was Basic authentication, for API clients only)
        // (not Browser.logIn: it deletes the browser's cookies for 127.0.0.1, the box console's session with them)
        driver.get(manager.webUrl() + "/duty");
        Browser.fill((ChromeDriver) driver, "prov-duty", TestAccounts.PASSWORD);
        Browser.await("the province's duty page", () -> !driver.getCurrentUrl().contains("/login"));
        new WebDriverWait(driver, WAIT).until(d -> !d.findElements(By.id("report-" + reportId)).isEmpty());
        assertTrue(driver.findElement(By.id("report-" + reportId)).getText().contains("初报"));
        assertTrue(driver.findElement(By.id("roster-130602-001")).getText().contains("张三 0312-1234567"),
                "the province sees who is on duty at the unit: " + driver.findElement(By.id("roster-130602-001")).getText());
        driver.findElement(By.id("ack-" + reportId)).click();
        // the page's script redraws the row after the acknowledgement: an element read mid-redraw is stale, read it again
        new WebDriverWait(driver, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> d.findElement(By.id("report-" + reportId)).getText().contains("已签收"));
        assertTrue(driver.findElement(By.id("report-" + reportId)).getText().contains("prov-duty"));
        assertEquals("", driver.findElement(By.id("ack-status")).getText());
        Files.write(root.resolve("manager-acknowledged.png"), ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
        assertNoCspViolations();
        String json = http.send(HttpRequest.newBuilder(URI.create(manager.webUrl() + "/api/duty/reports/" + reportId))
                .header("Authorization", TestAccounts.basic("prov-duty")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(json.contains("\"acknowledged\":true") && json.contains("\"acknowledgedBy\":\"prov-duty\""), json);

        // --- back on the box: the receipt says who acknowledged it
        driver.get(console.resolve("duty/").toString());
        new WebDriverWait(driver, WAIT).until(d -> !d.findElements(By.cssSelector("#events a")).isEmpty());
        driver.findElement(By.cssSelector("#events a")).click();
        new WebDriverWait(driver, WAIT).pollingEvery(Duration.ofSeconds(1)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> {
            d.navigate().refresh();
            return d.findElement(By.id("report-" + reportId)).getText().contains("已签收 acknowledged by prov-duty");
        });
        Files.write(root.resolve("box-receipt.png"), ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
        assertNoCspViolations();
    }

    @Test
    @Order(2)
    void theCountyTechnicianSetsTheDutySettingsAndApprovesASwapTheProvinceThenSees() throws Exception {
        // the officer asks to hand his shift over; nothing changes until someone else approves
        logIn("zhang");
        driver.get(console.resolve("duty/roster").toString());
        new Select(driver.findElement(By.id("swap-shift"))).selectByValue("day-1"); // the shifts are offered, not typed
        driver.findElement(By.id("swap-person")).sendKeys("李四");
        driver.findElement(By.id("swap-phone")).sendKeys("0312-7654321");
        driver.findElement(By.id("swap-reason")).sendKeys("家中有事");
        submit(driver.findElement(By.cssSelector("#swap-form button")));
        assertTrue(driver.findElement(By.id("swaps")).getText().contains("李四"), driver.findElement(By.id("swaps")).getText());
        assertTrue(driver.findElement(By.id("shift-day-1")).getText().contains("张三"), "still 张三's until approved");

        // the technician: a bad deadline rule is refused with the PID and key, and the file put back
        logIn("wang-tech");
        driver.get(console.resolve("config/cn.egov.duty").toString());
        setField("opt.deadlines", "major=15x/35m");
        submit(driver.findElement(By.id("save")));
        String verdict = driver.findElement(By.id("verdict")).getText();
        assertTrue(verdict.contains("Refused") && verdict.contains("cn.egov.duty: deadlines is invalid") && verdict.contains("15x"), verdict);
        Path cfg = root.resolve("box").resolve("config").resolve("cn.egov.duty.cfg");
        assertTrue(!Files.readString(cfg).contains("15x"), "the refused file was put back");
        assertTrue(runtime.status().configProblems().isEmpty(), "the box keeps its settings and stays healthy");

        // and approves the swap: the roster changes and goes to the province
        driver.get(console.resolve("duty/roster").toString());
        String swapRow = driver.findElement(By.cssSelector("#swaps tr[id^='swap-']")).getAttribute("id");
        submit(driver.findElement(By.cssSelector("#" + swapRow + " form[action$='/approve'] button")));
        assertTrue(driver.findElement(By.id("shift-day-1")).getText().contains("李四"), driver.findElement(By.id("shifts")).getText());
        HttpClient http = HttpClient.newHttpClient();
        BoxFixture.await("the province sees 李四 on duty", () -> {
            try {
                String body = http.send(HttpRequest.newBuilder(URI.create(manager.webUrl() + "/api/duty/rosters?unit=130602-001"))
                        .header("Authorization", TestAccounts.basic("prov-duty")).build(), HttpResponse.BodyHandlers.ofString()).body();
                return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path("rosters").path(0).path("onDuty").toString()
                        .contains("李四");
            } catch (Exception e) {
                return false;
            }
        });
        assertNoCspViolations();
    }

    private void logIn(String name) {
        driver.get(console.resolve("login").toString());
        driver.manage().deleteAllCookies();
        driver.get(console.resolve("login").toString());
        driver.findElement(By.id("username")).sendKeys(name);
        driver.findElement(By.id("password")).sendKeys(PASSWORD);
        submit(driver.findElement(By.id("login")));
    }

    private void setField(String name, String value) {
        var input = driver.findElement(By.name(name));
        input.clear();
        input.sendKeys(value);
    }

    private int status(HttpClient http, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(manager.webUrl() + path)).header("Authorization", TestAccounts.basic("prov-duty"))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Clicks a form's submit button and waits for the next page. */
    private void submit(org.openqa.selenium.WebElement button) {
        button.click();
        PageLeft.after(driver, button, WAIT);
    }

    private void assertNoCspViolations() {
        List<LogEntry> entries = driver.manage().logs().get(LogType.BROWSER).getAll();
        String csp = entries.stream().map(LogEntry::getMessage).filter(m -> m.contains("Content Security Policy"))
                .collect(Collectors.joining("\n"));
        assertEquals("", csp, "CSP violations in the browser console");
    }

    private static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--ignore-certificate-errors", "--window-size=1366,768", "--lang=zh-CN");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
