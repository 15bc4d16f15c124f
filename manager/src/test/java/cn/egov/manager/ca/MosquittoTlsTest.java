package cn.egov.manager.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.support.MosquittoProcess;
import cn.egov.manager.support.Poll;
import cn.egov.rules.unit.UnitCode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documented TLS Mosquitto configuration (image/mosquitto/tls/) with real Mosquitto and real
 * clients (mosquitto_pub/mosquitto_sub with --cert/--key/--cafile): only provincial CA
 * certificates get in, a revoked one is refused once the CRL is published and Mosquitto told
 * (SIGHUP, the reload command the CA runs), and a box publishes
 * only under its own unit code whatever client id it claims.
 */
class MosquittoTlsTest {

    @TempDir
    Path dir;
    Path conf;
    ProvincialCa ca;
    MosquittoProcess mosquitto;
    int managerPort;
    int tlsPort;

    @BeforeEach
    void setUp() throws Exception {
        ca = ProvincialCa.create(dir.resolve("ca"), "mqtt test".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"));
        mosquitto = MosquittoProcess.startTls(dir.resolve("mqtt"), ca);
        conf = mosquitto.dir();
        managerPort = mosquitto.managerPort();
        tlsPort = mosquitto.tlsPort();
        box("130602-001");
        box("130602-002");
        // a certificate for the same unit code from a CA that is not the provincial one
        sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout rogue-ca.key -subj '/CN=Rogue CA' -days 5 -out rogue-ca.pem"
                + " && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout rogue.key -subj /CN=130602-001 -out rogue.csr"
                + " && openssl x509 -req -in rogue.csr -CA rogue-ca.pem -CAkey rogue-ca.key -CAcreateserial -days 5 -out rogue.pem");
    }

    @AfterEach
    void tearDown() throws Exception {
        mosquitto.close();
        ca.close();
    }

    @Test
    void aBoxPublishesOnlyUnderItsOwnUnitCodeWhateverClientIdItClaims() throws Exception {
        try (Subscriber sub = Subscriber.start(managerPort, "hebei/#", 2)) {
            // refused (another box's topic) then allowed: the subscriber's first message must be the allowed one
            assertEquals(0, publish("130602-001", "130602-001", "hebei/130602-002/HEALTH/status", "forged").exit());
            assertEquals(0, publish("130602-001", "130602-002", "hebei/130602-002/HEALTH/status", "forged-with-claimed-id").exit());
            assertEquals(0, publish("130602-001", "130602-001", "hebei/130602-001/HEALTH/status", "own").exit());
            assertEquals(0, publish("130602-002", "130602-002", "hebei/130602-002/HEALTH/status", "own-2").exit());
            List<String> got = sub.await();
            assertEquals(List.of("hebei/130602-001/HEALTH/status own", "hebei/130602-002/HEALTH/status own-2"), got, log());
        }
    }

    @Test
    void certificatesFromAnotherCaAndRevokedCertificatesAreRefused() throws Exception {
        Commands.Result rogue = Commands.run(conf, "mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(tlsPort),
                "--cafile", "chain.pem", "--cert", "../rogue.pem", "--key", "../rogue.key", "-i", "130602-001",
                "-t", "hebei/130602-001/HEALTH/status", "-m", "x", "-q", "1");
        assertNotEquals(0, rogue.exit(), rogue.output());
        Commands.Result noCert = Commands.run(conf, "mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(tlsPort),
                "--cafile", "chain.pem", "-i", "130602-001", "-t", "hebei/130602-001/HEALTH/status", "-m", "x", "-q", "1");
        assertNotEquals(0, noCert.exit(), noCert.output());

        Commands.Result before = publish("130602-002", "130602-002", "hebei/130602-002/HEALTH/status", "before");
        assertEquals(0, before.exit(), before.output() + "\n" + log());
        X509Certificate two = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(conf.resolve("130602-002.pem")));
        ca.revoke(two.getSerialNumber(), RevocationReason.keyCompromise);
        // what ca.crl-copy-dirs and ca.crl-reload-command do: the CRL replaced atomically where
        // Mosquitto's crlfile points, then 'kill -HUP' (systemctl reload mosquitto): Mosquitto 2.0
        // rereads crlfile at SIGHUP, no restart, connections of other boxes stay up
        CrlPublication delivery = new CrlPublication(dir.resolve("ca").resolve("crl"), List.of(conf),
                List.of("kill", "-HUP", Long.toString(mosquitto.pid())), CrlPublication.DEFAULT_RELOAD_TIMEOUT,
                CrlPublication.DEFAULT_REVOCATION_CHECK);
        CrlPublisher.Published p = new CrlPublisher(ca, delivery).publishNow();
        assertEquals("exit 0", p.reload());
        assertTrue(mosquitto.isAlive(), "reloaded, not restarted");
        // the signal is handled in Mosquitto's main loop: wait (bounded) until the new CRL refuses the box
        Poll.until("Mosquitto refuses the revoked certificate after SIGHUP", 20_000, () -> {
            try {
                return publish("130602-002", "130602-002", "hebei/130602-002/HEALTH/status", "after").exit() != 0;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(0, publish("130602-001", "130602-001", "hebei/130602-001/HEALTH/status", "still-fine").exit());
    }

    private void box(String unit) throws Exception {
        KeyPair k = KeyPairs.p256();
        PemFiles.write(conf.resolve(unit + ".pem"), ca.issueBox(k.getPublic(), UnitCode.parse(unit), null), ca.issuingCertificate());
        PemFiles.write(conf.resolve(unit + ".key"), k.getPrivate());
    }

    private Commands.Result publish(String certOf, String clientId, String topic, String message) throws Exception {
        return Commands.run(conf, "mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(tlsPort), "--cafile", "chain.pem",
                "--cert", certOf + ".pem", "--key", certOf + ".key", "-i", clientId, "-t", topic, "-m", message, "-q", "1");
    }

    private String log() throws IOException {
        return mosquitto.log();
    }

    private void sh(String script) throws Exception {
        Commands.run(dir, "bash", "-c", script).expectOk();
    }

    /** mosquitto_sub as the manager on the loopback listener, waiting for N messages. */
    static final class Subscriber implements AutoCloseable {
        private final Process p;
        private final BufferedReader out;
        private final int count;

        private Subscriber(Process p, int count) {
            this.p = p;
            this.out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            this.count = count;
        }

        static Subscriber start(int port, String filter, int count) throws Exception {
            // stdbuf: mosquitto_sub buffers its output on a pipe, and we must see SUBACK before publishing
            Process p = new ProcessBuilder("stdbuf", "-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-u", MosquittoProcess.MANAGER_USER,
                    "-P", MosquittoProcess.MANAGER_PASSWORD, "-t", filter, "-q", "1", "-v", "-d", "-C", String.valueOf(count), "-W", "60")
                    .redirectErrorStream(true).start();
            Subscriber s = new Subscriber(p, count);
            String line;
            while ((line = s.out.readLine()) != null) {
                if (line.contains("SUBACK")) {
                    return s;
                }
            }
            throw new IllegalStateException("mosquitto_sub ended before subscribing");
        }

        /** The first N "topic payload" lines. */
        List<String> await() throws IOException {
            List<String> got = new java.util.ArrayList<>();
            String line;
            while (got.size() < count && (line = out.readLine()) != null) {
                if (line.startsWith("hebei/") || line.startsWith("$EDC/")) {
                    got.add(line);
                }
            }
            return got;
        }

        @Override
        public void close() {
            p.destroy();
        }
    }
}
