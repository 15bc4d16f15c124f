package cn.egov.appliance.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.appliance.probe.ProbeBundle;
import cn.egov.console.api.Role;
import cn.egov.console.store.Accounts;
import cn.egov.console.store.ConsoleDatabase;
import cn.egov.console.store.PasswordHash;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
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
import org.osgi.framework.ServiceReference;

/**
 * The console on the real box (BoxRuntime on Felix with every bundle and the probe bundle), driven
 * over HTTPS with the JDK's client (trusting exactly the bootstrap certificate the box made) and
 * in headless Chromium (Debian's chromium and chromedriver, named explicitly: Selenium must not
 * try to download a driver). The throttling test comes last: it blocks the loopback address.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {
    private static final String PASSWORD = "correct horse 12";
    private Path root;
    private BoxFixture box;
    private BoxRuntime runtime;
    private URI base;
    private HttpClient http;

    @BeforeAll
    void boot() throws Exception {
        root = Files.createTempDirectory("console-it");
        box = new BoxFixture(root, "tcp://127.0.0.1:9");
        Files.createDirectories(box.data);
        try (ConsoleDatabase db = ConsoleDatabase.open(ConsoleDatabase.file(box.data))) {
            Accounts accounts = new Accounts(db, new PasswordHash(PasswordHash.Settings.DEFAULT), Clock.systemUTC());
            accounts.add("tech", PASSWORD.toCharArray(), Set.of(Role.TECHNICIAN), "130602-001");
            accounts.add("clerk", PASSWORD.toCharArray(), Set.of(Role.CLERK), "130602-001");
            accounts.add("victim", PASSWORD.toCharArray(), Set.of(Role.CLERK), "130602-001");
        }
        runtime = BoxRuntime.start(box.settings(), new FrameworkFactory());
        var context = runtime.framework().getBundleContext();
        BoxFixture.await("the console to listen", () -> endpoint(context) != null);
        base = URI.create("https://127.0.0.1:" + endpoint(context).getProperty("console.port") + "/");
        http = HttpClient.newBuilder().sslContext(trustingBootstrap()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private static ServiceReference<?> endpoint(org.osgi.framework.BundleContext context) {
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences("cn.egov.console.api.ConsoleEndpoint", null);
            return refs == null ? null : refs[0];
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Trusts the one certificate the box generated (what a technician confirms by its fingerprint). */
    private SSLContext trustingBootstrap() throws Exception {
        KeyStore p12 = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(box.data.resolve("console/bootstrap.p12"))) {
            p12.load(in, new char[0]);
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("console", (X509Certificate) p12.getCertificate("console"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @AfterAll
    void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    @Order(1)
    void everyResponseCarriesTheSecurityHeadersAndNoVersion() throws Exception {
        for (String path : List.of("login", "status", "no/such/page", "static/console.css")) {
            HttpResponse<String> r = get(path, null);
            var h = r.headers();
            assertTrue(h.firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"), path);
            assertTrue(h.firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"), path);
            assertEquals("DENY", h.firstValue("X-Frame-Options").orElse(""), path);
            assertEquals("nosniff", h.firstValue("X-Content-Type-Options").orElse(""), path);
            assertEquals("no-referrer", h.firstValue("Referrer-Policy").orElse(""), path);
            assertTrue(h.firstValue("Server").isEmpty(), path + " names no server");
            assertFalse(r.body().toLowerCase().contains("jetty"), path);
            if (!path.startsWith("static")) {
                assertEquals("no-store", h.firstValue("Cache-Control").orElse(""), path);
            }
        }
        HttpResponse<String> notFound = get("no/such/page", null);
        assertEquals(303, notFound.statusCode(), "without a session a browser goes to the log-in first");
    }

    @Test
    @Order(8)
    void aBrowserAskingForAPageThatDoesNotExistGetsAPageSayingSoAndAClientTheBareStatus() throws Exception {
        String cookie = logIn("tech");
        for (String path : List.of("no/such/page", "status/extra", "accounts/nope", "me/nope")) {
            HttpResponse<String> page = get(path, cookie);
            assertEquals(404, page.statusCode(), path);
            assertTrue(page.body().contains("id=\"refused\"") && page.body().contains("找不到页面")
                    && page.body().contains("href=\"/status\""), path + ": a page in the frame, with the navigation: " + page.body());
        }
        HttpResponse<String> client = http.send(HttpRequest.newBuilder(base.resolve("no/such/page")).header("Cookie", cookie)
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, client.statusCode());
        assertEquals("{\"status\":404,\"error\":\"Not Found\"}", client.body());
        HttpResponse<String> section = get("duty/", logIn("clerk"));
        assertEquals(403, section.statusCode());
        assertTrue(section.body().contains("id=\"refused\"") && section.body().contains("duty_officer"),
                "a section the role may not open says which role it needs: " + section.body());
    }

    @Test
    @Order(2)
    void theSessionCookieIsHttpOnlySecureStrictAndAForgedOneGetsNothing() throws Exception {
        HttpResponse<String> form = get("login", null);
        String token = field(form.body(), "_csrf");
        HttpResponse<String> r = post("login", Map.of("_csrf", token, "username", "tech", "password", PASSWORD),
                loginCookie(form), true);
        assertEquals(303, r.statusCode());
        String setCookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("__Host-egov-console="))
                .findFirst().orElseThrow();
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("Secure") && setCookie.contains("SameSite=Strict"), setCookie);

        HttpResponse<String> forged = get("status", "__Host-egov-console=" + "A".repeat(43));
        assertEquals(303, forged.statusCode());
        assertEquals("/login?next=%2Fstatus", forged.headers().firstValue("Location").orElse(""), "back to the page after the log-in");
        assertEquals(401, http.send(HttpRequest.newBuilder(base.resolve("status")).header("Accept", "application/json")
                .header("Cookie", "__Host-egov-console=forged").build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    @Order(3)
    void aPostWithoutItsCsrfTokenOrFromAnotherOriginIsRefusedAndAudited() throws Exception {
        String cookie = logIn("tech");
        String before = box.probeOutput();
        assertEquals(403, post("config/" + ProbeBundle.PID, Map.of("opt.greeting", "forged"), cookie, true).statusCode());
        String csrf = field(get("config/" + ProbeBundle.PID, cookie).body(), "_csrf");
        HttpResponse<String> crossOrigin = http.send(HttpRequest.newBuilder(base.resolve("config/" + ProbeBundle.PID))
                .header("Cookie", cookie).header("Origin", "https://evil.example")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("_csrf", csrf, "opt.greeting", "forged")))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, crossOrigin.statusCode());
        assertEquals(before, box.probeOutput(), "nothing was applied");
        assertFalse(Files.readString(box.probeConfig()).contains("forged"));
        assertTrue(get("audit", cookie).body().contains("refused: no CSRF token"));
    }

    @Test
    @Order(4)
    void aClerkIsRefusedFromTechnicianPages() throws Exception {
        String cookie = logIn("clerk");
        for (String path : List.of("status", "selftest", "config", "config/" + ProbeBundle.PID, "logs", "accounts", "audit")) {
            assertEquals(403, get(path, cookie).statusCode(), path);
        }
        assertEquals(200, get("", cookie).statusCode());
        assertEquals(200, get("me", cookie).statusCode());
    }

    @Test
    @Order(9)
    void theAuditAndAccountsPagesShowTimesInBeijingTime() throws Exception {
        String cookie = logIn("tech");
        Pattern isoInstant = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:");
        for (String path : List.of("audit", "accounts")) {
            String body = get(path, cookie).body();
            assertTrue(body.contains("北京时间") && body.contains("Beijing time"), path + " says which time it shows");
            Matcher raw = isoInstant.matcher(body);
            assertFalse(raw.find(), () -> path + " shows a UTC instant: " + body.substring(raw.start(), raw.start() + 30));
        }
    }

    @Test
    @Order(10)
    void aLogInFormWhoseCookieIsGoneIsShownAgainSayingSoAndThenWorks() throws Exception {
        String staleToken = field(get("login", null).body(), "_csrf"); // the browser restarted: its cookie is gone
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(base.resolve("login"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html")
                .header("Origin", base.getScheme() + "://" + base.getHost() + ":" + base.getPort())
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("_csrf", staleToken, "username", "tech",
                        "password", PASSWORD, "next", "/audit")))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, refused.statusCode());
        assertTrue(refused.body().contains("id=\"login-error\"") && refused.body().contains("登录表单已过期"), refused.body());
        assertEquals("/audit", field(refused.body(), "next"), "the page asked for is kept");
        HttpResponse<String> again = post("login", Map.of("_csrf", field(refused.body(), "_csrf"), "username", "tech",
                "password", PASSWORD), loginCookie(refused), true);
        assertEquals(303, again.statusCode(), "the fresh form logs in");
    }

    @Test
    @Order(11)
    void aClerkOnABoxWithoutTheDocumentExchangeIsToldWhyTheStartPageHasNothingForThem() throws Exception {
        String clerkHome = get("", logIn("clerk")).body();
        assertTrue(clerkHome.contains("id=\"no-pages\"") && clerkHome.contains("文书 clerk") && clerkHome.contains("联系技术员"),
                "the exchange is not configured here (no cn.egov.exchange.cfg): " + clerkHome);
        assertFalse(get("", logIn("tech")).body().contains("id=\"no-pages\""), "a technician's pages are the console's own");
        HttpResponse<String> exchange = get("exchange/", logIn("clerk"));
        assertEquals(503, exchange.statusCode(), "the 公文交换 entry point says it is off, not 404");
        assertTrue(exchange.body().contains("本机的公文交换尚未配置，服务未启用。请联系技术员") && exchange.body().contains("Ask the technician"),
                exchange.body());
    }

    @Test
    @Order(5)
    void theLogPageShowsTheBoxLog() throws Exception {
        String body = get("logs", logIn("tech")).body();
        assertTrue(body.contains("configuration: "), "the launcher's lines are in the ring");
        assertTrue(body.contains("console: listening on 127.0.0.1:"), body.length() + " chars");
        assertTrue(Pattern.compile("<span class=\"time\">\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d</span> ").matcher(body).find(),
                "the logger's stamps in Beijing time: " + body.substring(0, Math.min(2000, body.length())));
    }

    @Test
    @Order(6)
    void inChromiumATechnicianSeesStatusAndSelfTestAndChangesAConfigurationValue() throws Exception {
        WebDriver driver = chromium();
        try {
            browserLogIn(driver, "tech");
            driver.get(base.resolve("status").toString());
            String components = driver.findElement(By.id("components")).getText();
            assertTrue(components.contains("cn.egov.console.ds.ConsoleComponent cn.egov.edge.console ACTIVE"), components);
            assertTrue(driver.findElement(By.id("not-enrolled")).getText().contains("Not enrolled yet"));
            driver.get(base.resolve("selftest").toString());
            String selfTest = driver.findElement(By.id("selftest")).getText();
            assertTrue(selfTest.contains("注册 Enrolment FAIL 本机尚未注册：用省电子政务办发放的注册令牌运行 'appliance setup"), selfTest);
            assertTrue(selfTest.contains("The box is not enrolled yet: run 'appliance setup"), "the English follows: " + selfTest);
            assertTrue(selfTest.contains("配置文件 Configuration files OK 所有配置文件都已生效。 Every configuration file is applied."), selfTest);
            Files.write(root.resolve("selftest.png"), ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));

            driver.get(base.resolve("config").toString());
            String off = driver.findElement(By.id("off")).getText();
            assertTrue(off.contains("以下服务未启用（尚未配置）") && off.contains("公文交换 Document exchange cn.egov.exchange.cfg"), off);
            String forms = driver.findElement(By.id("forms")).getText();
            assertTrue(forms.contains("网页控制台 Web console cn.egov.console.cfg"), "the Metatype's Chinese name, then the English: " + forms);
            Files.write(root.resolve("config-list.png"), ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
            driver.get(base.resolve("config/cn.egov.console").toString());
            String console = driver.findElement(By.cssSelector("form.config")).getText();
            assertTrue(console.contains("端口 Port console.port"), "the Metatype's Chinese name, then the English: " + console);
            assertTrue(console.contains("HTTPS 端口（0：任一空闲端口，用于测试） HTTPS port (0: any free port, for tests)"), console);
            Files.write(root.resolve("config-console.png"), ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
            driver.get(base.resolve("logs").toString());
            Files.write(root.resolve("logs.png"), ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));

            driver.get(base.resolve("config/" + ProbeBundle.PID).toString());
            setField(driver, "opt.greeting", "from the browser");
            save(driver);
            assertTrue(driver.findElement(By.id("verdict")).getText().contains("Applied"), driver.getPageSource());
            BoxFixture.await("the probe to run with the new greeting", () -> read().contains("greeting=from the browser"));
            assertTrue(Files.readString(box.probeConfig()).contains("# probe"), "the file's comment stays");

            setField(driver, "opt.count", "eleven");
            save(driver);
            String verdict = driver.findElement(By.id("verdict")).getText();
            assertTrue(verdict.contains("Refused") && verdict.contains(box.probeConfig() + ":")
                    && verdict.contains("option 'count': 'eleven' is not a whole number"), verdict);
            assertTrue(verdict.startsWith("被拒绝，原来的设置继续有效。") && verdict.contains("count（第 ")
                    && verdict.contains("'eleven' 不是允许范围内的整数。"), "the field and why in Chinese first: " + verdict);
            assertFalse(Files.readString(box.probeConfig()).contains("eleven"), "the refused file was put back");
            assertTrue(runtime.status().configProblems().isEmpty(), "the box stays healthy");
            Files.write(root.resolve("config-refused.png"), ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
            assertNoCspViolations(driver);
        } finally {
            driver.quit();
        }
    }

    @Test
    @Order(7)
    void inChromiumAClerkIsRefusedFromTechnicianPages() throws Exception {
        WebDriver driver = chromium();
        try {
            browserLogIn(driver, "clerk");
            assertFalse(driver.getPageSource().contains("/status"), "no technician links for a clerk");
            driver.get(base.resolve("status").toString());
            String refused = driver.findElement(By.id("refused")).getText();
            assertTrue(refused.contains("技术员") && refused.contains("needs the role technician"), refused);
            assertTrue(driver.findElement(By.linkText("我的账户 My account")).isDisplayed(), "the clerk's own navigation stays");
            driver.get(base.resolve("exchange/").toString());
            String off = driver.findElement(By.id("not-configured")).getText();
            assertTrue(off.contains("本机的公文交换尚未配置，服务未启用。请联系技术员") && off.contains("Ask the technician"), off);
            Files.write(root.resolve("exchange-off.png"), ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
            assertNoCspViolations(driver);
        } finally {
            driver.quit();
        }
    }

    @Test
    @Order(100)
    void wrongPasswordsAreRateLimitedAndEvenTheRightOneWaits() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertEquals(401, attempt("victim", "wrong password " + i).statusCode(), "attempt " + i);
        }
        HttpResponse<String> blocked = attempt("victim", PASSWORD);
        assertEquals(429, blocked.statusCode());
        long retry = Long.parseLong(blocked.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
        assertTrue(blocked.headers().allValues("Set-Cookie").stream().noneMatch(c -> c.startsWith("__Host-egov-console=")));
        String log = String.join("\n", runtime.framework().getBundleContext().getServiceReference(
                cn.egov.api.launcher.BoxLauncher.class) == null ? List.of()
                : runtime.framework().getBundleContext().getService(runtime.framework().getBundleContext()
                .getServiceReference(cn.egov.api.launcher.BoxLauncher.class)).recentLog(200));
        assertTrue(log.contains("console: log-in failed for 'victim' from 127.0.0.1"), "each failure is logged");
    }

    // ---- helpers

    private String read() {
        try {
            return box.probeOutput();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private WebDriver chromium() {
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

    private void browserLogIn(WebDriver driver, String name) {
        driver.get(base.resolve("login").toString());
        driver.findElement(By.id("username")).sendKeys(name);
        driver.findElement(By.id("password")).sendKeys(PASSWORD);
        var login = driver.findElement(By.id("login"));
        login.click();
        PageLeft.after(driver, login, java.time.Duration.ofSeconds(60)); // else, loaded, the URL read is still /login
        assertEquals(base.toString(), driver.getCurrentUrl());
    }

    /** Submits the form and waits for the next page (else the old page's verdict would be read). */
    private static void save(WebDriver driver) {
        var button = driver.findElement(By.id("save"));
        button.click();
        PageLeft.after(driver, button, java.time.Duration.ofSeconds(60));
    }

    private static void setField(WebDriver driver, String name, String value) {
        var input = driver.findElement(By.name(name));
        input.clear();
        input.sendKeys(value);
    }

    private static void assertNoCspViolations(WebDriver driver) {
        List<LogEntry> entries = driver.manage().logs().get(LogType.BROWSER).getAll();
        String csp = entries.stream().map(LogEntry::getMessage).filter(m -> m.contains("Content Security Policy"))
                .collect(Collectors.joining("\n"));
        assertEquals("", csp, "CSP violations in the browser console");
    }

    private HttpResponse<String> attempt(String name, String password) throws Exception {
        HttpResponse<String> form = get("login", null);
        return post("login", Map.of("_csrf", field(form.body(), "_csrf"), "username", name, "password", password),
                loginCookie(form), true);
    }

    private String logIn(String name) throws Exception {
        HttpResponse<String> r = attempt(name, PASSWORD);
        assertEquals(303, r.statusCode(), r.body());
        return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("__Host-egov-console="))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
    }

    private static String loginCookie(HttpResponse<String> form) {
        return form.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("__Host-egov-login="))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
    }

    private HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("Accept", "text/html");
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, Map<String, String> fields, String cookie, boolean sameOrigin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields)));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (sameOrigin) {
            b.header("Origin", base.getScheme() + "://" + base.getHost() + ":" + base.getPort());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private static String field(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + Pattern.quote(name) + "\" value=\"([^\"]*)\"").matcher(html);
        assertTrue(m.find(), "no field " + name);
        return m.group(1);
    }

}
