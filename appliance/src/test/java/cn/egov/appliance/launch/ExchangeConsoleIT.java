package cn.egov.appliance.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.console.api.Role;
import cn.egov.console.store.Accounts;
import cn.egov.console.store.ConsoleDatabase;
import cn.egov.console.store.PasswordHash;
import cn.egov.exchange.TestPki;
import cn.egov.exchange.keys.UnitKeyStore;
import cn.egov.exchange.service.LocalUnit;
import cn.egov.rules.unit.UnitCode;
import java.io.InputStream;
import java.net.URI;
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
import java.util.Set;
import java.util.logging.Level;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.osgi.framework.ServiceReference;

/**
 * The clerk's pages on the real box (Felix with every bundle; the exchange configured for two units
 * of the box, 130602-001 signing with SM2 and 130602-002 with P-256; the backbone down: the broker
 * URL points nowhere) in headless Chromium: a clerk of 130602-001 sends a document with a file from
 * the send form; the clerk of 130602-002 finds it in the inbox and opens its file; the sender sees
 * it received and downloads the signed receipt, which openssl verifies against the provincial root.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExchangeConsoleIT {
    private static final String PASSWORD = "correct horse 12";
    static final UnitCode A1 = UnitCode.parse("130602-001");
    static final UnitCode A2 = UnitCode.parse("130602-002");
    private Path root;
    private BoxRuntime runtime;
    private URI base;
    private TestPki pki;

    @BeforeAll
    void boot() throws Exception {
        root = Files.createTempDirectory("exchange-it");
        BoxFixture box = new BoxFixture(root, "tcp://127.0.0.1:9");
        Files.createDirectories(box.data);
        pki = new TestPki("Hebei test CA");
        Path trust = root.resolve("trust.pem");
        TestPki.pem(trust, pki.root, pki.issuing);
        UnitKeyStore keys = new UnitKeyStore(box.data.resolve("exchange/keys"), "key pw".toCharArray());
        keys.save(new LocalUnit(A1, pki.sm2Signing(A1), pki.encryption(A1)));
        keys.save(new LocalUnit(A2, pki.signing(A2), pki.encryption(A2)));
        Files.writeString(box.config.resolve("cn.egov.exchange.cfg"), """
                # the exchange for two units of this box
                units = 130602-001, 130602-002
                store.path = ${data}/exchange/exchange.db
                keys.dir = ${data}/exchange/keys
                keys.password = key pw
                trust.anchors = %s
                tick.s = 5
                """.formatted(trust), StandardCharsets.UTF_8);
        try (ConsoleDatabase db = ConsoleDatabase.open(ConsoleDatabase.file(box.data))) {
            Accounts accounts = new Accounts(db, new PasswordHash(PasswordHash.Settings.DEFAULT), Clock.systemUTC());
            accounts.add("li.wei", PASSWORD.toCharArray(), Set.of(Role.CLERK), A1.toString());
            accounts.add("wang.fang", PASSWORD.toCharArray(), Set.of(Role.CLERK), A2.toString());
        }
        runtime = BoxRuntime.start(box.settings(), new FrameworkFactory());
        var context = runtime.framework().getBundleContext();
        BoxFixture.await("the console to listen", () -> endpoint(context) != null);
        base = URI.create("https://127.0.0.1:" + endpoint(context).getProperty("console.port") + "/");
        BoxFixture.await("the exchange section", () -> service(context, "cn.egov.console.api.ConsoleSection") != null);
    }

    private static ServiceReference<?> endpoint(org.osgi.framework.BundleContext context) {
        return service(context, "cn.egov.console.api.ConsoleEndpoint");
    }

    private static ServiceReference<?> service(org.osgi.framework.BundleContext context, String name) {
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences(name, null);
            return refs == null ? null : refs[0];
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void aClerkSendsTheRecipientFindsItInItsInboxAndTheSenderSeesTheReceipt() throws Exception {
        Path pdf = Files.write(root.resolve("notice.pdf"), "%PDF-1.4 关于防汛准备的通知".getBytes(StandardCharsets.UTF_8));
        WebDriver driver = chromium();
        try {
            logIn(driver, "li.wei");
            driver.findElement(By.linkText("公文交换 Documents")).click();
            BoxFixture.await("the exchange to be ready", () -> {
                driver.navigate().refresh();
                return driver.findElements(By.id("not-ready")).isEmpty();
            });
            driver.get(base.resolve("exchange/send").toString());
            assertEquals(List.of("NON_SECRET"), driver.findElements(By.cssSelector("#classification option")).stream()
                    .map(o -> o.getAttribute("value")).toList(), "only what may be sent is offered");
            driver.findElement(By.id("doc_number")).sendKeys("竞教发〔2026〕8号");
            driver.findElement(By.id("title")).sendKeys("关于防汛准备的通知");
            driver.findElement(By.id("recipients")).sendKeys(A2.toString());
            driver.findElement(By.id("file")).sendKeys(pdf.toString());
            var send = driver.findElement(By.id("send"));
            send.click();
            PageLeft.after(driver, send, java.time.Duration.ofSeconds(60));
            assertTrue(driver.getCurrentUrl().contains("/exchange/out/"), driver.getCurrentUrl() + "\n" + driver.getPageSource());
            String messageId = driver.findElement(By.id("message-id")).getText();
            String state = driver.findElement(By.id("recipient-" + A2)).getText();
            assertTrue(state.contains("已签收 received"), state);
            Files.write(root.resolve("sent.png"), ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
            String receiptUrl = driver.findElement(By.cssSelector("#recipient-" + A2 + " a.receipt")).getAttribute("href");
            Cookie session = driver.manage().getCookieNamed("__Host-egov-console");
            assertNoCspViolations(driver);

            // the signed receipt, fetched with the sender's session, verifies with openssl against the root
            HttpResponse<byte[]> receipt = HttpClient.newBuilder().sslContext(trustingBootstrap(root.resolve("data"))).build()
                    .send(HttpRequest.newBuilder(URI.create(receiptUrl)).header("Cookie", session.getName() + "=" + session.getValue()).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, receipt.statusCode());
            Path p7s = Files.write(root.resolve("receipt.p7s"), receipt.body());
            Path rootPem = root.resolve("root.pem");
            TestPki.pem(rootPem, pki.root);
            Process openssl = new ProcessBuilder("openssl", "cms", "-verify", "-inform", "DER", "-in", p7s.toString(), "-CAfile",
                    rootPem.toString(), "-purpose", "any").redirectErrorStream(true).start();
            String verified = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, openssl.waitFor(), verified);
            assertTrue(verified.contains("\"messageId\":\"" + messageId + "\"") && verified.contains("Verification successful"), verified);

            // the recipient's clerk opens the inbox from a bookmark: the log-in leads back to it
            // the log-out's answer first: a navigation started while its POST is under way could be overtaken by it
            WebElement logout = driver.findElement(By.cssSelector("form.logout button"));
            logout.click();
            PageLeft.after(driver, logout, java.time.Duration.ofSeconds(60));
            driver.get(base.resolve("exchange/").toString());
            assertEquals(base.resolve("login?next=%2Fexchange%2F").toString(), driver.getCurrentUrl());
            assertEquals(base.resolve("exchange/").toString(), submitLogIn(driver, "wang.fang"));
            String inbox = driver.findElement(By.id("inbox")).getText();
            assertTrue(inbox.contains("关于防汛准备的通知") && inbox.contains("竞教发〔2026〕8号") && inbox.contains(A1.toString()), inbox);
            driver.findElement(By.linkText("关于防汛准备的通知")).click();
            assertEquals("竞教发〔2026〕8号", driver.findElement(By.id("doc-number")).getText());
            assertTrue(driver.findElement(By.id("files")).getText().contains("notice.pdf"));
            Files.write(root.resolve("inbox.png"), ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
            assertNoCspViolations(driver);
        } finally {
            driver.quit();
        }
    }

    private void logIn(WebDriver driver, String name) {
        driver.get(base.resolve("login").toString());
        assertEquals(base.toString(), submitLogIn(driver, name));
    }

    /** Fills the log-in form on screen and answers where the log-in led. */
    private static String submitLogIn(WebDriver driver, String name) {
        driver.findElement(By.id("username")).sendKeys(name);
        driver.findElement(By.id("password")).sendKeys(PASSWORD);
        var login = driver.findElement(By.id("login"));
        login.click();
        // the next page can take a while on a loaded machine: wait for it, then check where it is
        PageLeft.after(driver, login, java.time.Duration.ofSeconds(60));
        return driver.getCurrentUrl();
    }

    private static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--ignore-certificate-errors", "--window-size=1366,900", "--lang=zh-CN");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static void assertNoCspViolations(WebDriver driver) {
        List<LogEntry> entries = driver.manage().logs().get(LogType.BROWSER).getAll();
        String csp = entries.stream().map(LogEntry::getMessage).filter(m -> m.contains("Content Security Policy"))
                .collect(Collectors.joining("\n"));
        assertEquals("", csp, "CSP violations in the browser console");
    }

    private static SSLContext trustingBootstrap(Path data) throws Exception {
        KeyStore p12 = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(data.resolve("console/bootstrap.p12"))) {
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
}
