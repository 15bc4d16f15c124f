package cn.egov.console.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
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
 * to that (the sections' own JSON errors are tested in their modules).
 */
class ConsoleConnectionTest {
    private static final String UNIT = "130602-001";

    @TempDir
    Path dir;
    private ConsoleDatabase db;
    private ConsoleServer server;
    private Sessions sessions;
    private SSLContext trust;
    private final SectionRegistry sections = new SectionRegistry();

    @BeforeEach
    void start() throws Exception {
        Clock clock = Clock.systemUTC();
        db = ConsoleDatabase.open(dir.resolve("console.db"));
        Accounts accounts = new Accounts(db, new PasswordHash(PasswordHash.Settings.DEFAULT), clock);
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
        server = new ConsoleServer(new ConsoleServer.Settings("127.0.0.1", 0, 8, 30_000), tls, new ConsoleHandler(services));
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
