package cn.egov.console.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.console.TestClock;
import cn.egov.console.api.ConsoleSection;
import cn.egov.console.api.ConsoleUser;
import cn.egov.console.api.Role;
import cn.egov.console.api.SectionContext;
import cn.egov.console.auth.LoginService;
import cn.egov.console.auth.LoginThrottle;
import cn.egov.console.auth.Session;
import cn.egov.console.auth.Sessions;
import cn.egov.console.config.ConfigSaver;
import cn.egov.console.ds.ConsoleComponent;
import cn.egov.console.store.Accounts;
import cn.egov.console.store.AuditLog;
import cn.egov.console.store.ConsoleDatabase;
import cn.egov.console.store.PasswordHash;
import cn.egov.console.tls.BootstrapCertificate;
import cn.egov.console.tls.ConsoleTls;
import cn.egov.lab.KeepAliveRequest;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.server.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's real server (HTTPS, its handler and error handler) over raw keep-alive sockets:
 * Jetty closes a connection whose request body was not read, so a refusal answered before the
 * body arrived must say {@code Connection: close}, or a keep-alive client (a browser, a script)
 * sends its next request into the closing connection and loses it. The console refuses through
 * Jetty's {@code Response.writeError}, which consumes the body and says so itself; this holds it
 * to that (the sections' own JSON errors are tested in their modules). It also holds the log-in to
 * the page the browser asked for, and only to a page of the console.
 */
class ConsoleConnectionTest {
    private static final String UNIT = "130602-001";

    @TempDir
    Path dir;
    private ConsoleDatabase db;
    private ConsoleServer server;
    private Sessions sessions;
    private Accounts accounts;
    private SSLContext trust;
    private final SectionRegistry sections = new SectionRegistry();

    private final TestClock clock = new TestClock(Instant.now());

    @BeforeEach
    void start() throws Exception {
        db = ConsoleDatabase.open(dir.resolve("console.db"));
        accounts = new Accounts(db, new PasswordHash(PasswordHash.Settings.DEFAULT), clock);
        AuditLog audit = new AuditLog(db, new AuditLog.Settings(AuditLog.MIN_RETENTION, 1000), clock);
        sessions = new Sessions(new Sessions.Settings(Duration.ofMinutes(15), Duration.ofHours(8), 10), clock);
        LoginThrottle throttle = new LoginThrottle(new LoginThrottle.Settings(5, Duration.ofMinutes(5), 100), clock);
        BootstrapCertificate bootstrap = BootstrapCertificate.loadOrCreate(dir.resolve("bootstrap.p12"), UNIT);
        ConsoleTls tls = new ConsoleTls(bootstrap, Optional::empty);
        ConsoleServices services = new ConsoleServices(accounts, audit, sessions, new LoginService(accounts, sessions, throttle, audit),
                new Pages(), sections, () -> {
                    throw new IllegalStateException("no status in this test");
                }, List::of, Optional.empty(), new ConfigSaver(ConsoleComponent.PID), Optional::empty, tls, () -> UNIT, 100);
        sections.add(new RefusingSection());
        server = new ConsoleServer(new ConsoleServer.Settings("127.0.0.1", 0, 8, 30_000, 16), tls, new ConsoleHandler(services),
                alarm -> { });
        server.start();
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("console", bootstrap.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        trust = SSLContext.getInstance("TLS");
        trust.init(null, tmf.getTrustManagers(), null);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        db.close();
    }

    @Test
    void aRefusalBeforeTheBodyArrivedSaysTheConnectionCloses() throws Exception {
        String noSession = "POST /status HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2";
        accounts.add("tech", "correct horse 12".toCharArray(), Set.of(Role.TECHNICIAN), UNIT);
        Session session = sessions.create(new ConsoleUser("tech", Set.of(Role.TECHNICIAN), UNIT), "127.0.0.1");
        String cookie = "\r\nCookie: " + ConsoleHandler.SESSION_COOKIE + "=" + session.id();
        String staleToken = noSession + cookie + "\r\nX-CSRF-Token: stale";
        String nowhere = noSession.replace("/status", "/nowhere") + cookie + "\r\nX-CSRF-Token: " + session.csrfToken();
        String sectionRefuses = nowhere.replace("/nowhere", "/refusing/form");
        for (var request : Map.of(noSession, 401, staleToken, 403, nowhere, 404, sectionRefuses, 415).entrySet()) {
            KeepAliveRequest.Answer early = keepAlive(request.getKey(), "");
            assertEquals(request.getValue(), early.status());
            assertEquals("close", early.header("connection"), "refused with " + request.getValue() + " before the body arrived");
            KeepAliveRequest.Answer whole = keepAlive(request.getKey(), "{}");
            assertEquals(request.getValue(), whole.status());
            assertNull(whole.header("connection"), "the whole body was read: the connection is kept");
        }
    }

    @Test
    void aLogInLeadsToThePageAskedForAndOnlyToAPageOfTheConsole() throws Exception {
        accounts.add("li.wei", "correct horse 12".toCharArray(), Set.of(Role.TECHNICIAN), UNIT);
        HttpClient client = HttpClient.newBuilder().sslContext(trust).followRedirects(HttpClient.Redirect.NEVER).build();
        URI base = URI.create("https://127.0.0.1:" + server.port());
        HttpResponse<String> bookmark = client.send(HttpRequest.newBuilder(base.resolve("/refusing/list?q=%E9%98%B2%E6%B1%9B"))
                .header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(303, bookmark.statusCode());
        URI login = base.resolve(bookmark.headers().firstValue("Location").orElseThrow());
        assertEquals(base + "/login?next=%2Frefusing%2Flist%3Fq%3D%25E9%2598%25B2%25E6%25B1%259B", login.toString());
        assertEquals("/refusing/list?q=%E9%98%B2%E6%B1%9B", logIn(client, base, login));
        assertEquals("/", logIn(client, base, base.resolve("/login")), "no page asked for: home");
        for (String elsewhere : List.of("https://evil.example/", "//evil.example/", "/\\evil.example/", "evil", "/\r\nX: 1")) {
            URI page = base.resolve("/login?next=" + URLEncoder.encode(elsewhere, StandardCharsets.UTF_8));
            assertEquals("/", logIn(client, base, page), elsewhere + " is not a page of the console");
        }
    }

    @Test
    void aChangedOrRemovedAccountEndsItsSessionsWhoeverChangedIt() throws Exception {
        ConsoleUser li = new ConsoleUser("li.wei", Set.of(Role.TECHNICIAN), UNIT);
        accounts.add(li.name(), "correct horse 12".toCharArray(), li.roles(), UNIT);
        clock.advance(Duration.ofSeconds(1));
        Session before = sessions.create(li, "10.0.0.9");
        assertEquals(415, sectionPage(before.id()), "the session reaches the section");
        clock.advance(Duration.ofSeconds(1));
        // as `appliance account` does, in another process: the console learns it from the account store only
        accounts.setRoles(li.name(), Set.of(Role.CLERK));
        assertEquals(401, sectionPage(before.id()), "roles changed since the log-in: the session is over");

        clock.advance(Duration.ofSeconds(1));
        Session mine = sessions.create(new ConsoleUser("li.wei", Set.of(Role.CLERK), UNIT), "10.0.0.9");
        Session thief = sessions.create(new ConsoleUser("li.wei", Set.of(Role.CLERK), UNIT), "10.6.6.6");
        clock.advance(Duration.ofSeconds(1));
        HttpClient client = HttpClient.newBuilder().sslContext(trust).followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> changed = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/me/password"))
                .header("Cookie", ConsoleHandler.SESSION_COOKIE + "=" + mine.id()).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + mine.csrfToken() + "&current=correct+horse+12&password=battery+staple+34"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, changed.statusCode(), changed.body());
        assertEquals(401, sectionPage(thief.id()), "a session opened with the old password ends");
        assertEquals(401, sectionPage(mine.id()), "the changing browser's old session id ends too");
        String fresh = changed.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(ConsoleHandler.SESSION_COOKIE + "="))
                .findFirst().orElseThrow().split(";", 2)[0].substring(ConsoleHandler.SESSION_COOKIE.length() + 1);
        assertEquals(403, sectionPage(fresh), "the browser goes on in a new session (a clerk may not open the technicians' section)");

        accounts.remove(li.name());
        assertEquals(401, sectionPage(fresh), "the account is gone: so is its session");
    }

    @Test
    void guessingTheCurrentPasswordOnMyAccountMeetsTheLogInBound() throws Exception {
        ConsoleUser li = new ConsoleUser("li.wei", Set.of(Role.CLERK), UNIT);
        accounts.add(li.name(), "correct horse 12".toCharArray(), li.roles(), UNIT);
        clock.advance(Duration.ofSeconds(1));
        Session session = sessions.create(li, "10.0.0.9");
        for (int i = 1; i <= 5; i++) {
            assertEquals(422, changePassword(session, "guess number " + i).statusCode(), "guess " + i);
        }
        HttpResponse<String> right = changePassword(session, "correct horse 12");
        assertEquals(429, right.statusCode(), "the bound holds for the right password too");
        assertTrue(right.headers().firstValue("Retry-After").isPresent());
        assertTrue(accounts.verify(li.name(), "correct horse 12".toCharArray()).isPresent(), "the password is unchanged");
    }

    @Test
    void aStandInAsksForTheLogInAndTheRoleOfTheRealSectionAndStepsBackForIt() throws Exception {
        accounts.add("tech", "correct horse 12".toCharArray(), Set.of(Role.TECHNICIAN), UNIT);
        accounts.add("clerk", "correct horse 12".toCharArray(), Set.of(Role.CLERK), UNIT);
        Session tech = sessions.create(new ConsoleUser("tech", Set.of(Role.TECHNICIAN), UNIT), "127.0.0.1");
        Session clerk = sessions.create(new ConsoleUser("clerk", Set.of(Role.CLERK), UNIT), "127.0.0.1");
        String clerkToken = accounts.newApiToken("clerk");
        ConsoleSection standIn = new OfficeSection(true);
        ConsoleSection real = new OfficeSection(false);
        assertTrue(sections.add(standIn));

        Map<String, String> refusedOff = refusals(tech);
        assertEquals("503 off", office(clerk.id(), null, "text/html"), "the clerk reaches the stand-in");
        assertEquals("503 off", office(null, clerkToken, "application/json"), "and so does the clerk's API client");
        assertTrue(sections.add(real));
        assertEquals(refusedOff, refusals(tech), "whoever may not open the section learns nothing from the stand-in");
        assertEquals("200 on", office(clerk.id(), null, "text/html"), "the real section takes the path");
        assertEquals("200 on", office(null, clerkToken, "application/json"));
        sections.remove(real);
        assertEquals("503 off", office(clerk.id(), null, "text/html"), "the stand-in again once the real section goes");
        assertEquals(Map.of("anonymous page", "303", "anonymous API", "401", "unknown API token", "401",
                "technician page", "403", "technician API", "403"), Map.of(
                "anonymous page", refusedOff.get("anonymous page").split(" ", 2)[0],
                "anonymous API", refusedOff.get("anonymous API").split(" ", 2)[0],
                "unknown API token", refusedOff.get("unknown API token").split(" ", 2)[0],
                "technician page", refusedOff.get("technician page").split(" ", 2)[0],
                "technician API", refusedOff.get("technician API").split(" ", 2)[0]));
    }

    /** What /office/ answers those who may not open it: status, then the body or the redirect's location. */
    private Map<String, String> refusals(Session tech) throws Exception {
        return Map.of("anonymous page", office(null, null, "text/html"), "anonymous API", office(null, null, "application/json"),
                "unknown API token", office(null, "egc_guessed", "application/json"),
                "technician page", office(tech.id(), null, "text/html"), "technician API", office(tech.id(), null, "application/json"));
    }

    /** GET /office/list with this session or API token (or neither), as "status body-or-location". */
    private String office(String sessionId, String apiToken, String accept) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trust).followRedirects(HttpClient.Redirect.NEVER).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/office/list")).header("Accept", accept);
        if (sessionId != null) {
            b.header("Cookie", ConsoleHandler.SESSION_COOKIE + "=" + sessionId);
        }
        if (apiToken != null) {
            b.header("Authorization", "Bearer " + apiToken);
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.headers().firstValue("Location").orElse(r.body());
    }

    /** A clerk's section, or its stand-in that says it is off. */
    private record OfficeSection(boolean standIn) implements ConsoleSection {
        @Override
        public String path() {
            return "office";
        }

        @Override
        public String title() {
            return "Office";
        }

        @Override
        public Set<Role> roles() {
            return Set.of(Role.CLERK);
        }

        @Override
        public Request.Handler handler() {
            return (request, response, callback) -> {
                response.setStatus(standIn ? 503 : 200);
                org.eclipse.jetty.io.Content.Sink.write(response, true, standIn ? "off" : "on", callback);
                return true;
            };
        }
    }

    private HttpResponse<String> changePassword(Session session, String current) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trust).followRedirects(HttpClient.Redirect.NEVER).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/me/password"))
                .header("Cookie", ConsoleHandler.SESSION_COOKIE + "=" + session.id()).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + session.csrfToken() + "&current="
                        + URLEncoder.encode(current, StandardCharsets.UTF_8) + "&password=battery+staple+34"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The status of a page of the refusing section asked for with this session id (415: reached; 401: no session). */
    private int sectionPage(String sessionId) throws Exception {
        try (Socket s = trust.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            return KeepAliveRequest.send(s, "GET /refusing/page HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + ConsoleHandler.SESSION_COOKIE
                    + "=" + sessionId, "").status();
        }
    }

    /** Loads the log-in form at {@code page}, logs in with its token, and answers where the log-in leads. */
    private String logIn(HttpClient client, URI base, URI page) throws Exception {
        HttpResponse<String> form = client.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, form.statusCode(), form.body());
        String cookie = form.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        String token = field(form.body(), SectionContext.CSRF_FIELD);
        String next = form.body().contains("name=\"next\"") ? field(form.body(), "next") : null;
        String body = "_csrf=" + token + "&username=li.wei&password=correct+horse+12"
                + (next == null ? "" : "&next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
        HttpResponse<String> in = client.send(HttpRequest.newBuilder(base.resolve("/login")).header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(303, in.statusCode(), in.body());
        URI location = base.resolve(in.headers().firstValue("Location").orElseThrow());
        assertEquals(base.getAuthority(), location.getRawAuthority(), "stays on the console");
        return location.getRawPath() + (location.getRawQuery() == null ? "" : "?" + location.getRawQuery());
    }

    private static String field(String html, String name) {
        var m = java.util.regex.Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
        assertTrue(m.find(), name + " in " + html);
        return m.group(1).replace("&amp;", "&");
    }

    /** A section that refuses a form with a page in the console's layout before reading the body, as the exchange's does. */
    private static final class RefusingSection implements ConsoleSection {
        @Override
        public String path() {
            return "refusing";
        }

        @Override
        public String title() {
            return "Refusing";
        }

        @Override
        public Set<Role> roles() {
            return Set.of(Role.TECHNICIAN);
        }

        @Override
        public Request.Handler handler() {
            return (request, response, callback) -> {
                response.setStatus(415);
                SectionContext.of(request).render(response, callback, "Refused", out -> out.writeContent("send a form"));
                return true;
            };
        }
    }

    private KeepAliveRequest.Answer keepAlive(String head, String body) throws IOException {
        try (Socket s = trust.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            return KeepAliveRequest.send(s, head, body);
        }
    }
}
