package cn.egov.manager.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.exchange.ExchangeWire;
import cn.egov.api.payload.KuraPayload;
import cn.egov.exchange.TestPki;
import cn.egov.exchange.model.MessageIds;
import cn.egov.exchange.transport.HttpsHubTransfer;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.broker.FreePort;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.ca.ServerKeyStore;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.TlsBox;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The box's blocking HTTPS client against the hub's real document server: the hub's refusals come back as
 * errors naming the status (the box tries again later), and requests one after another share one kept-alive
 * TLS connection instead of a handshake each; against a hub that stops reading, an upload ends at its timeout.
 */
class HttpsHubTransferTest {

    static final int REQUESTS = 20;

    @TempDir
    Path dir;

    @Test
    void refusalsNameTheStatusAndOneConnectionServesRequestAfterRequest() throws Exception {
        TestPki pki = new TestPki("Hebei test CA");
        Path trust = dir.resolve("trust.pem");
        TestPki.pem(trust, pki.root, pki.issuing, pki.sm2Ca);
        int port = FreePort.on("127.0.0.1");
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), "lab".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"));
             ManagerAssembly manager = ManagerAssembly.start(ExchangeHubEndToEndTest.withHub(ManagerFixture.config(dir.resolve("manager")),
                     trust, port), ManagerAssembly.Options.defaults().withTlsCa(ca))) {
            HttpsHubTransfer box = new HttpsHubTransfer(URI.create("https://127.0.0.1:" + port), TlsBox.issueContext(ca, "130602-001"),
                    Duration.ofSeconds(30));

            String unknown = MessageIds.newId();
            IOException none = assertThrows(IOException.class, () -> box.fetch(unknown, 1 << 20));
            assertTrue(none.getMessage().contains("fetch of " + unknown + ": the hub answered HTTP 404"), none.getMessage());

            // a body that is no document payload: refused, not stored
            KuraPayload notADocument = new KuraPayload(0L, null, Map.of(ExchangeWire.MESSAGE_ID, MessageIds.newId()), new byte[100]);
            IOException bad = assertThrows(IOException.class, () -> box.upload(unknown, notADocument));
            assertTrue(bad.getMessage().contains("upload of " + unknown + ": the hub answered HTTP 400"), bad.getMessage());

            for (int i = 0; i < REQUESTS; i++) {
                assertThrows(IOException.class, () -> box.fetch(MessageIds.newId(), 1 << 20));
            }
            assertEquals(1, clientConnections(port), "every request after the first reused the kept-alive connection");

            // a client certificate of another CA gets no answer at all: the TLS handshake fails
            try (ProvincialCa other = ProvincialCa.create(dir.resolve("other-ca"), "lab".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"))) {
                HttpsHubTransfer stranger = new HttpsHubTransfer(URI.create("https://127.0.0.1:" + port),
                        TlsBox.issueContext(other, "130602-001"), Duration.ofSeconds(30));
                assertThrows(IOException.class, () -> stranger.fetch(MessageIds.newId(), 1 << 20));
            }
        }
    }

    /**
     * A hub that completed the TLS handshake and then stops reading (a link that died without a reset): the upload
     * ends with an error once the timeout passed, instead of waiting for TCP to give up on the write.
     */
    @Test
    void anUploadIntoAStalledHubEndsAtTheTimeout() throws Exception {
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), "lab".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"))) {
            ServerKeyStore identity = ServerKeyStore.issue(ca, "stalled-hub", List.of(), List.of("127.0.0.1"));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(identity.keyStore(), identity.password());
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(keys.getKeyManagers(), null, null);
            try (SSLServerSocket server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 1,
                    java.net.InetAddress.getLoopbackAddress())) {
                Thread hub = new Thread(() -> {
                    try (SSLSocket s = (SSLSocket) server.accept()) {
                        s.startHandshake();
                        Thread.sleep(Long.MAX_VALUE); // holds the connection and reads nothing
                    } catch (Exception ended) {
                        // the test is over
                    }
                });
                hub.setDaemon(true);
                hub.start();
                HttpsHubTransfer box = new HttpsHubTransfer(URI.create("https://127.0.0.1:" + server.getLocalPort()),
                        TlsBox.issueContext(ca, "130602-001"), Duration.ofSeconds(2));
                String id = MessageIds.newId();
                // far more than the loopback's socket buffers hold: the write blocks
                KuraPayload big = new KuraPayload(0L, null, Map.of(ExchangeWire.MESSAGE_ID, id), new byte[64 << 20]);
                IOException e = assertTimeoutPreemptively(Duration.ofMinutes(2), () -> assertThrows(IOException.class, () -> box.upload(id, big)),
                        "the upload hangs in its write");
                assertTrue(e.getMessage().contains("upload of " + id + ": not done within 2000 ms"), e.getMessage());
                hub.interrupt();
            }
        }
    }

    /** This machine's TCP sockets whose remote end is {@code port} on the loopback (the client side of each connection). */
    static long clientConnections(int port) throws IOException {
        String remote = String.format(Locale.ROOT, ":%04X ", port);
        long n = 0;
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            n += Files.readAllLines(Path.of(table)).stream().skip(1).map(String::trim)
                    .filter(l -> l.split("\\s+")[2].endsWith(remote.strip())).count();
        }
        return n;
    }
}
