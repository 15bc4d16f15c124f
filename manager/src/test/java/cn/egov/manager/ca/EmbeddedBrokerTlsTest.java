package cn.egov.manager.ca;

import cn.egov.manager.ingest.part.IngestPart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.OnConnectionLost;
import cn.egov.manager.support.Poll;
import cn.egov.rules.unit.UnitCode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manager's embedded Artemis broker with its TLS listener ({@code broker.tls.port}), driven by
 * real clients (Debian's mosquitto_pub with --cafile/--cert/--key, and Paho with an SSLSocketFactory
 * made from a box key and certificate): a box with a provincial CA
 * certificate publishes under its own client id and the manager stores it; a certificate of
 * another CA, a client id that is not the certificate's unit code and a revoked certificate are
 * refused, and a revocation closes the box's open connection at once; a publish under another box's
 * topic is not stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedBrokerTlsTest {

    @TempDir
    static Path dir;
    Path pki;
    ProvincialCa ca;
    ManagerAssembly manager;
    int tlsPort;

    @BeforeAll
    void start() throws Exception {
        pki = Files.createDirectories(dir.resolve("pki"));
        ca = ProvincialCa.create(dir.resolve("ca"), "broker tls test".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"));
        PemFiles.write(pki.resolve("chain.pem"), ca.issuingCertificate(), ca.rootCertificate());
        Files.write(pki.resolve("health.bin"), KuraPayloadCodec.encode(KuraPayload.builder().timestamp(1L).metric(BoxMetrics.CPU_LOAD, 0.25).build()));
        // a certificate naming the same unit, from a CA that is not the provincial one
        Commands.run(pki, "bash", "-c", "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout rogue-ca.key"
                + " -subj '/CN=Rogue CA' -days 5 -out rogue-ca.pem"
                + " && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout rogue.key -subj /CN=130602-001 -out rogue.csr"
                + " && openssl x509 -req -in rogue.csr -CA rogue-ca.pem -CAkey rogue-ca.key -CAcreateserial -days 5"
                + " -extfile <(printf 'subjectAltName=URI:urn:egov:unit:130602-001') -out rogue.pem").expectOk();
        manager = ManagerAssembly.start(ManagerFixture.config(dir.resolve("manager")).with(ConfigKey.BROKER_TLS_PORT, 0),
                ManagerAssembly.Options.defaults().withTlsCa(ca));
        assertNotNull(manager.brokerTlsUrl(), "TLS listener configured");
        tlsPort = URI.create(manager.brokerTlsUrl()).getPort();
    }

    @AfterAll
    void stop() throws Exception {
        if (manager != null) {
            manager.close();
        }
        ca.close();
    }

    @Test
    void aBoxPublishesUnderItsOwnClientIdAndTheManagerStoresIt() throws Exception {
        box("130602-001");
        long before = stored();
        Commands.Result r = publish("130602-001", "130602-001", "hebei/130602-001/HEALTH/status");
        assertEquals(0, r.exit(), r.output());
        Poll.until("health of 130602-001 stored", 60_000, () -> stored() >= before + 1);
        assertTrue(manager.fleet().get("130602-001").isPresent(), "the box is in the fleet");
    }

    @Test
    void aPahoClientWithItsBoxKeyPublishesAsItselfAndOnlyAsItself() throws Exception {
        KeyPair k = KeyPairs.p256();
        X509Certificate cert = ca.issueBox(k.getPublic(), UnitCode.parse("130602-010"), null);
        SSLContext tls = boxTls(k, cert);
        MqttException wrongId = assertThrows(MqttException.class, () -> pahoConnect(tls, "130602-011").close());
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, wrongId.getReasonCode(), wrongId.toString());
        long before = stored();
        try (MqttClient c = pahoConnect(tls, "130602-010")) {
            c.publish("hebei/130602-010/HEALTH/status", Files.readAllBytes(pki.resolve("health.bin")), 1, false);
            c.disconnect();
        }
        Poll.until("health of 130602-010 stored", 60_000, () -> stored() >= before + 1);
        assertTrue(manager.fleet().get("130602-010").isPresent(), "the box is in the fleet");
    }

    @Test
    void aCertificateOfAnotherCaIsRefusedAtTheHandshake() throws Exception {
        Commands.Result r = Commands.run(pki, "mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(tlsPort), "--cafile", "chain.pem",
                "--cert", "rogue.pem", "--key", "rogue.key", "-i", "130602-001", "-t", "hebei/130602-001/HEALTH/status",
                "-f", "health.bin", "-q", "1");
        assertNotEquals(0, r.exit(), r.output());
        // the handshake itself fails (the trust store holds the provincial CAs only), before any MQTT CONNECT;
        // TLS 1.2 because there the server judges the client certificate inside the handshake
        Commands.Result rogueHandshake = handshake("rogue");
        assertTrue(rogueHandshake.output().contains("alert"), rogueHandshake.output());
        box("130602-004");
        Commands.Result goodHandshake = handshake("130602-004");
        assertTrue(!goodHandshake.output().contains("alert") && goodHandshake.output().contains("Verify return code: 0"), goodHandshake.output());
        Commands.Result noCert = Commands.run(pki, "mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(tlsPort), "--cafile", "chain.pem",
                "-i", "130602-001", "-t", "hebei/130602-001/HEALTH/status", "-f", "health.bin", "-q", "1");
        assertNotEquals(0, noCert.exit(), noCert.output());
    }

    @Test
    void aClientIdOtherThanTheCertificatesUnitCodeIsRefused() throws Exception {
        box("130602-002");
        long before = stored();
        Commands.Result r = publish("130602-002", "130602-003", "hebei/130602-003/HEALTH/status");
        assertNotEquals(0, r.exit(), r.output());
        assertTrue(manager.fleet().get("130602-003").isEmpty(), "nothing arrived as 130602-003");
        controlPublish(before);
    }

    @Test
    void aRevokedCertificateIsRefusedAtTheNextConnection() throws Exception {
        X509Certificate cert = box("130602-005");
        Commands.Result first = publish("130602-005", "130602-005", "hebei/130602-005/HEALTH/status");
        assertEquals(0, first.exit(), first.output());
        ca.revoke(cert.getSerialNumber(), RevocationReason.keyCompromise);
        Commands.Result next = publish("130602-005", "130602-005", "hebei/130602-005/HEALTH/status");
        assertNotEquals(0, next.exit(), next.output());
    }

    @Test
    void aRevokedBoxsOpenConnectionIsClosedWithoutWaitingForItsNextConnect() throws Exception {
        KeyPair k = KeyPairs.p256();
        X509Certificate cert = ca.issueBox(k.getPublic(), UnitCode.parse("130602-012"), null);
        SSLContext tls = boxTls(k, cert);
        CountDownLatch lost = new CountDownLatch(1);
        try (MqttClient c = pahoConnect(tls, "130602-012")) {
            c.setCallback(new OnConnectionLost(() -> lost.countDown()));
            long before = stored();
            c.publish("hebei/130602-012/HEALTH/status", Files.readAllBytes(pki.resolve("health.bin")), 1, false);
            Poll.until("health of 130602-012 stored", 60_000, () -> stored() >= before + 1);
            assertEquals(1, lost.getCount(), "connected before the revocation");
            // the box stays connected and sends nothing: only the broker can end its session
            ca.revoke(cert.getSerialNumber(), RevocationReason.keyCompromise);
            assertTrue(lost.await(30, TimeUnit.SECONDS), "the revoked box's connection was closed by the broker");
            assertTrue(!c.isConnected());
        }
        MqttException again = assertThrows(MqttException.class, () -> pahoConnect(tls, "130602-012").close());
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, again.getReasonCode(), again.toString());
    }

    @Test
    void aPublishUnderAnotherBoxsTopicIsNotStored() throws Exception {
        box("130602-007");
        long refusals = manager.broker().aclRefusals();
        long before = stored();
        publish("130602-007", "130602-007", "hebei/130602-008/HEALTH/status"); // Artemis may drop the connection: exit not asserted
        Poll.until("ACL refusal", 30_000, () -> manager.broker().aclRefusals() > refusals);
        assertTrue(manager.fleet().get("130602-008").isEmpty(), "no box registered by the impersonation");
        controlPublish(before);
    }

    /** A good publish after a refused one: exactly it is stored, so the refused one was not. */
    private void controlPublish(long before) throws Exception {
        box("130602-009");
        Commands.Result ok = publish("130602-009", "130602-009", "hebei/130602-009/HEALTH/status");
        assertEquals(0, ok.exit(), ok.output());
        Poll.until("control message stored", 60_000, () -> stored() >= before + 1);
        assertEquals(before + 1, stored(), "only the control message was stored");
    }

    private long stored() {
        return manager.part(IngestPart.class).metrics().stored.sum();
    }

    private X509Certificate box(String unit) throws Exception {
        KeyPair k = KeyPairs.p256();
        X509Certificate cert = ca.issueBox(k.getPublic(), UnitCode.parse(unit), null);
        PemFiles.write(pki.resolve(unit + ".pem"), cert, ca.issuingCertificate());
        PemFiles.write(pki.resolve(unit + ".key"), k.getPrivate()); // PKCS#8: what mosquitto_pub reads for EC keys
        return cert;
    }

    private SSLContext boxTls(KeyPair k, X509Certificate cert) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pass = "box".toCharArray();
        ks.setKeyEntry("box", k.getPrivate(), pass, new X509Certificate[]{cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pass);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(EstTlsIdentity.trustStore(ca));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private MqttClient pahoConnect(SSLContext tls, String clientId) throws MqttException {
        MqttClient c = new MqttClient(manager.brokerTlsUrl(), clientId, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setSocketFactory(tls.getSocketFactory());
        o.setCleanSession(true);
        try {
            c.connect(o);
        } catch (MqttException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private Commands.Result handshake(String certOf) throws Exception {
        return Commands.run(pki, "bash", "-c", "sleep 1 | openssl s_client -tls1_2 -connect 127.0.0.1:" + tlsPort
                + " -CAfile chain.pem -cert " + certOf + ".pem -key " + certOf + ".key 2>&1; true");
    }

    private Commands.Result publish(String certOf, String clientId, String topic) throws Exception {
        return Commands.run(pki, "mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(tlsPort), "--cafile", "chain.pem",
                "--cert", certOf + ".pem", "--key", certOf + ".key", "-i", clientId, "-t", topic, "-f", "health.bin", "-q", "1");
    }
}
