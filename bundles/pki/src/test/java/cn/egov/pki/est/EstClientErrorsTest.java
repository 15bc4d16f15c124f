package cn.egov.pki.est;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import cn.egov.pki.store.BoxKeyStore;
import org.junit.jupiter.api.Test;

/**
 * Why the EST server could not be reached, as the technician reads it: the JDK's HTTP client
 * says {@code null} for a refused connection and for an unknown host alike. Real sockets on
 * loopback; each case would read the same under the old message.
 */
public class EstClientErrorsTest {
    private static final String ANY_FINGERPRINT = "AB".repeat(32);

    @Test
    void aRefusedConnectionNamesHostAndPort() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        EstException e = assertThrows(EstException.class,
                () -> EstClient.bootstrapCaCerts(URI.create("https://127.0.0.1:" + port), ANY_FINGERPRINT));
        assertEquals("cannot reach the EST server: connection refused by 127.0.0.1:" + port
                + " (is the manager running, and is this its EST port?)", e.getMessage());
    }

    @Test
    void anUnknownHostIsNamed() {
        EstException e = assertThrows(EstException.class,
                () -> EstClient.bootstrapCaCerts(URI.create("https://ca.nonexistent.invalid:8443"), ANY_FINGERPRINT));
        assertEquals("cannot reach the EST server: unknown host ca.nonexistent.invalid (check the URL and the box's DNS)", e.getMessage());
    }

    @Test
    void aServerThatDoesNotSpeakTlsIsATlsFailureWithItsReason() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                // a plain HTTP server (e.g. the manager's CRL/OCSP port): reads the request, answers in clear text
                try (Socket s = server.accept()) {
                    s.getInputStream().read(new byte[4096]);
                    s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    s.getInputStream().read(new byte[4096]);
                } catch (Exception ignored) {
                    // the client gives up: the test reads its message
                }
            });
            t.start();
            EstException e = assertThrows(EstException.class,
                    () -> EstClient.bootstrapCaCerts(URI.create("https://127.0.0.1:" + server.getLocalPort()), ANY_FINGERPRINT));
            assertTrue(e.getMessage().startsWith("cannot reach the EST server: TLS handshake with 127.0.0.1:" + server.getLocalPort()
                    + " failed: the server does not speak TLS on this port ("), e.getMessage());
            assertFalse(e.getMessage().contains("null"), e.getMessage());
            t.join();
        }
    }

    @Test
    void anotherWebServerAtTheAddressIsNamedNotQuotedAsTheCasReason() throws Exception {
        for (String page : List.of("<html>\n<body><h1>404 Not Found</h1></body>\n</html>\n", "")) {
            HttpsServer server = httpsServer("CN=Some Web Server", x -> {
                byte[] body = page.getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(404, body.length == 0 ? -1 : body.length);
                x.getResponseBody().write(body);
                x.close();
            });
            try {
                URI base = URI.create("https://127.0.0.1:" + server.getAddress().getPort());
                EstException e = assertThrows(EstException.class, () -> EstClient.bootstrapCaCerts(base, ANY_FINGERPRINT));
                assertEquals("the server at " + base + " answered 404 to /.well-known/est/cacerts without an EST reason:"
                        + " is this the manager's EST address (https://MANAGER:8443)?", e.getMessage());
            } finally {
                server.stop(0);
            }
        }
    }

    @Test
    void aReasonWithControlCharactersReachesTheTerminalEscaped() throws Exception {
        // ESC [2J clears a terminal; ESC ]0; retitles it: a server's words must not drive the technician's terminal
        String reason = "token unknown\u001b[2J\u001b]0;owned\u0007";
        HttpsServer server = httpsServer("CN=Hostile", x -> {
            byte[] body = reason.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(401, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        try {
            URI base = URI.create("https://127.0.0.1:" + server.getAddress().getPort());
            EstException e = assertThrows(EstException.class, () -> EstClient.bootstrapCaCerts(base, ANY_FINGERPRINT));
            assertEquals("EST server refused (401): token unknown\\u001b[2J\\u001b]0;owned\\u0007", e.getMessage());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aRefusedTokenTellsTheTechnicianWhatToDoAndOtherRefusalsSayNothingMore() {
        assertEquals(". Check the token you typed (it is for this unit only and works once); if it was used or has expired,"
                + " ask the provincial office for a new one",
                new EstException(401, "EST server refused (401): enrolment token is not known to this CA").whatToDo());
        assertEquals("", new EstException(400, "EST server refused (400): the CSR is not signed by its key").whatToDo());
    }

    @Test
    void aServerCertificateFromAnotherCaIsNamedAsSuch() throws Exception {
        HttpsServer server = httpsServer("CN=Not The Provincial CA", x -> {
            x.sendResponseHeaders(404, -1);
            x.close();
        });
        try {
            X509Certificate provincial = selfSigned(BoxKeyStore.newKeyPair(), "CN=Provincial Root");
            EstClient est = new EstClient(URI.create("https://127.0.0.1:" + server.getAddress().getPort()), List.of(provincial), null);
            EstException e = assertThrows(EstException.class, est::caCerts);
            assertTrue(e.getMessage().startsWith("cannot reach the EST server: TLS handshake with 127.0.0.1:"
                    + server.getAddress().getPort() + " failed: the server's certificate does not chain to the provincial CA certificates"),
                    e.getMessage());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aServerThatNeverCompletesTheTlsHandshakeTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            // the kernel completes the TCP handshake from the backlog; nobody ever reads or writes
            EstException e = assertThrows(EstException.class, () -> EstClient.bootstrapCaCerts(
                    URI.create("https://127.0.0.1:" + silent.getLocalPort()), ANY_FINGERPRINT, Duration.ofSeconds(1)));
            assertEquals("cannot reach the EST server: no connection to 127.0.0.1:" + silent.getLocalPort()
                    + " within 1 s (timeout in the TCP connect or the TLS handshake)", e.getMessage());
        }
    }

    @Test
    void aServerThatNeverAnswersTheRequestTimesOut() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HttpsServer server = httpsServer("CN=Slow", x -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.close();
        });
        try {
            int port = server.getAddress().getPort();
            EstException e = assertThrows(EstException.class, () -> EstClient.bootstrapCaCerts(
                    URI.create("https://127.0.0.1:" + port), ANY_FINGERPRINT, Duration.ofSeconds(1)));
            assertEquals("cannot reach the EST server: no answer from 127.0.0.1:" + port + " within 1 s (timeout)", e.getMessage());
        } finally {
            release.countDown();
            server.stop(0);
        }
    }

    /** A JDK HTTPS server on loopback with a self-signed certificate for {@code dn}. */
    private static HttpsServer httpsServer(String dn, HttpHandler handler) throws Exception {
        KeyPair keys = BoxKeyStore.newKeyPair();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("tls", keys.getPrivate(), new char[0], new X509Certificate[]{selfSigned(keys, dn)});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, new char[0]);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", handler);
        server.start();
        return server;
    }

    @Test
    void aMistypedFingerprintIsBadInputBeforeAnyConnection() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EstClient.bootstrapCaCerts(URI.create("https://127.0.0.1:1"), "52:9E:FB"));
        assertTrue(e.getMessage().startsWith("root fingerprint must be 64 hex digits"), e.getMessage());
    }

    public static X509Certificate selfSigned(KeyPair keys, String dn) throws Exception {
        Instant now = Instant.now();
        X500Name name = new X500Name(dn);
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), name, keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    }

}
