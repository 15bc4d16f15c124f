package cn.egov.manager.broker;

import cn.egov.manager.ingest.part.IngestPart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.PemFiles;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.store.AlarmStore;
import cn.egov.manager.support.Cli;
import cn.egov.manager.support.LabPasswords;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.OnConnectionLost;
import cn.egov.manager.support.Poll;
import cn.egov.manager.support.SimulatedBox;
import cn.egov.manager.support.StderrCapture;
import cn.egov.manager.support.TlsBox;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
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
 * The embedded broker with all four listeners (the manager's own, TLS for boxes, the NOC's, the
 * lab's plain one) and the plan of {@code rules/plan}, driven by real clients: Debian's
 * mosquitto_pub/mosquitto_sub and Paho. Nobody gets in anonymously; nobody takes over the
 * manager's session or a box's; the NOC watches raw telemetry with the documented mosquitto_sub
 * command and cannot publish; unknown units are refused, counted, alarmed and never in the fleet;
 * each refusal is one log line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrokerIdentityTest {

    private static final String NOC_USER = "noc-wang";
    private static final String NOC_PASSWORD = "noc-test-password";
    private static final String MANAGER_ID = "egov-manager";
    /** mosquitto_pub's exit code when the broker answers CONNECT with "not authorised" (LAB-NOTES). */
    private static final int REFUSED = 5;

    @TempDir
    static Path dir;
    ProvincialCa ca;
    ManagerAssembly manager;
    Path pki;
    int internal;
    int plain;
    int tls;
    int noc;

    @BeforeAll
    void start() throws Exception {
        pki = Files.createDirectories(dir.resolve("pki"));
        ca = ProvincialCa.create(dir.resolve("ca"), "identity test".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"));
        PemFiles.write(pki.resolve("chain.pem"), ca.issuingCertificate(), ca.rootCertificate());
        Path nocUsers = dir.resolve("noc.passwd");
        LabPasswords.add(nocUsers, NOC_USER, NOC_PASSWORD);
        ManagerConfig config = ManagerFixture.withPlan(ManagerFixture.config(dir.resolve("manager")))
                .with(ConfigKey.BROKER_TLS_PORT, 0)
                .with(ConfigKey.BROKER_NOC_PORT, 0)
                .with(ConfigKey.BROKER_NOC_PASSWORD_FILE, nocUsers);
        manager = ManagerAssembly.start(config, ManagerAssembly.Options.defaults().withTlsCa(ca));
        internal = port(manager.broker().internalUrl());
        plain = port(manager.brokerUrl());
        tls = port(manager.brokerTlsUrl());
        noc = port(manager.brokerNocUrl());
        Files.write(pki.resolve("health.bin"), KuraPayloadCodec.encode(KuraPayload.builder().timestamp(1L)
                .metric(BoxMetrics.CPU_LOAD, 0.25).build()));
    }

    @AfterAll
    void stop() throws Exception {
        if (manager != null) {
            manager.close();
        }
        if (ca != null) {
            ca.close();
        }
    }

    private static int port(String url) {
        return URI.create(url).getPort();
    }

    @Test
    void anonymousClientsAreRefusedOnEveryListener() throws Exception {
        long before = refused(ConnectRefusal.ANONYMOUS);
        assertEquals(REFUSED, pub(internal, List.of(), "anon-1").exit(), "the manager's listener");
        assertEquals(REFUSED, pub(plain, List.of(), "anon-2").exit(), "the lab listener");
        assertEquals(REFUSED, pub(noc, List.of("--cafile", "chain.pem"), "anon-3").exit(), "the NOC listener");
        Cli.Result noCertificate = pub(tls, List.of("--cafile", "chain.pem"), "130602-001");
        assertNotEquals(0, noCertificate.exit(), "the box listener: no certificate, no TLS session: " + noCertificate.output());
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, paho("tcp://127.0.0.1:" + internal, "anon-4", null, null, null));
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, paho("tcp://127.0.0.1:" + plain, "130602-001", null, null, null));
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, paho("ssl://127.0.0.1:" + noc, "anon-5", null, null, trustOnly()));
        assertTrue(refused(ConnectRefusal.ANONYMOUS) >= before + 6, "counted: " + refused(ConnectRefusal.ANONYMOUS));
        // Artemis's cluster user bypasses its security checks; its default password is public
        for (int port : List.of(internal, plain)) {
            assertEquals(REFUSED, pub(port, List.of("-u", "ACTIVEMQ.CLUSTER.ADMIN.USER", "-P", "CHANGE ME!!"), "cluster").exit());
        }
    }

    @Test
    void nobodyTakesTheManagersSessionOver() throws Exception {
        TlsBox box = TlsBox.issue(ca, "130602-001", pki);
        String labPassword = ManagerFixture.labPassword(manager, "130602-001");
        long before = refused(ConnectRefusal.RESERVED_CLIENT_ID);
        assertEquals(REFUSED, pub(tls, certificate(box), MANAGER_ID).exit(), "a box's certificate");
        assertEquals(REFUSED, pub(plain, List.of("-u", "130602-001", "-P", labPassword), MANAGER_ID).exit(), "a box's lab password");
        assertEquals(REFUSED, pub(noc, nocLogin(), MANAGER_ID).exit(), "a NOC login");
        assertEquals(REFUSED, pub(internal, List.of("-u", InternalClientGate.INTERNAL_USER, "-P", "guess"), MANAGER_ID).exit(),
                "the manager's listener without its secret");
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, paho(manager.brokerTlsUrl(), MANAGER_ID, null, null, box.socketFactory()));
        assertTrue(refused(ConnectRefusal.RESERVED_CLIENT_ID) >= before + 4, "counted");
        assertEquals(0, manager.part(IngestPart.class).metrics().connectionLosses.sum(), "the manager's subscriber was never disconnected");
        assertTrue(manager.meters().snapshot().get("ingest.connected").equals(1L));
        long stored = manager.part(IngestPart.class).metrics().stored.sum();
        try (SimulatedBox b = new SimulatedBox(manager.brokerTlsUrl(), "130602-001").withTls(box.socketFactory()).connect()) {
            b.health();
            b.flush();
        }
        Poll.until("the manager still ingests", 30_000, () -> manager.part(IngestPart.class).metrics().stored.sum() > stored);
    }

    @Test
    void nobodyTakesABoxsSessionOver() throws Exception {
        TlsBox victim = TlsBox.issue(ca, "130602-002", pki);
        TlsBox attacker = TlsBox.issue(ca, "130602-001", pki);
        String attackerLab = ManagerFixture.labPassword(manager, "130602-001");
        try (SimulatedBox v = new SimulatedBox(manager.brokerTlsUrl(), "130602-002").withTls(victim.socketFactory()).connect()) {
            long before = refused(ConnectRefusal.CLIENT_ID_MISMATCH);
            assertEquals(REFUSED, pub(tls, certificate(attacker), "130602-002").exit(), "its own certificate, the victim's id");
            assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, paho(manager.brokerTlsUrl(), "130602-002", null, null,
                    attacker.socketFactory()));
            assertEquals(REFUSED, pub(plain, List.of("-u", "130602-001", "-P", attackerLab), "130602-002").exit(), "its lab password");
            assertEquals(REFUSED, pub(noc, nocLogin(), "130602-002").exit(), "a NOC login");
            assertEquals(REFUSED, pub(plain, List.of(), "130602-002").exit(), "no credentials");
            assertTrue(refused(ConnectRefusal.CLIENT_ID_MISMATCH) >= before + 4, "counted");
            assertTrue(v.isConnected(), "the victim is still connected");
            assertEquals(0, v.connectionLosses(), "and never lost its connection");
            long stored = manager.part(IngestPart.class).metrics().stored.sum();
            v.health();
            v.flush();
            Poll.until("the victim's message stored", 30_000, () -> manager.part(IngestPart.class).metrics().stored.sum() > stored);
        }
    }

    /**
     * A client that makes up a new client id at every attempt raises one alarm per certificate (the first id named,
     * the rest counted as attempts), not one per id: 5 made-up ids gave 5 open MAJOR alarms.
     */
    @Test
    void aCertificateTryingMadeUpClientIdsRaisesOneAlarm() throws Exception {
        TlsBox flood = TlsBox.issue(ca, "130602-005", pki);
        String serial = flood.certificate().getSerialNumber().toString(16);
        for (int i = 1; i <= 5; i++) {
            assertEquals(REFUSED, pub(tls, certificate(flood), "flood-" + i).exit());
        }
        // the refusals were noted before their CONNACKs: once a later one's alarm is stored, a flush after all five has run
        TlsBox marker = TlsBox.issue(ca, "130602-006", pki);
        String markerSerial = marker.certificate().getSerialNumber().toString(16);
        assertEquals(REFUSED, pub(tls, certificate(marker), "marker-1").exit());
        AlarmStore alarms = manager.context().alarms();
        Poll.until("the marker's alarm", 30_000, () -> refusalAlarms(alarms, markerSerial).size() == 1);
        List<Alarm> raised = refusalAlarms(alarms, serial);
        assertEquals(1, raised.size(), raised.toString());
        assertEquals("flood-1", raised.get(0).evidence().get("client_id"));
    }

    private static List<Alarm> refusalAlarms(AlarmStore alarms, String certificateSerial) {
        try {
            return alarms.latest(AlarmStore.MANAGER_CLIENT_ID, 1000).stream().map(a -> a.alarm())
                    .filter(a -> a.kind().equals("broker.connection-refused") && certificateSerial.equals(a.evidence().get("certificate")))
                    .toList();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theNocWatchesRawTelemetryWithTheDocumentedCommandAndCannotPublish() throws Exception {
        TlsBox box = TlsBox.issue(ca, "130602-001", pki);
        Path repo = Path.of("..").toAbsolutePath().normalize();
        // bundles/telemetry/README.md, "Decode any of them": the NOC listener with its TLS chain and a NOC user
        String command = "mosquitto_sub -h 127.0.0.1 -p " + noc + " --cafile " + pki.resolve("chain.pem") + " -u " + NOC_USER + " -P "
                + NOC_PASSWORD + " -t 'hebei/+/HEALTH/status' -C 1 -N -W 60"
                + " | protoc --decode=kuradatatypes.KuraPayload -I bundles/api/src/main/proto kurapayload.proto";
        Process sub = new ProcessBuilder("bash", "-c", command).directory(repo.toFile()).redirectErrorStream(true).start();
        try (SimulatedBox b = new SimulatedBox(manager.brokerTlsUrl(), "130602-001").withTls(box.socketFactory()).connect()) {
            // until the subscriber has one (it may subscribe after the first publishes)
            for (int i = 0; i < 300 && sub.isAlive(); i++) {
                b.health();
                b.flush();
                sub.waitFor(200, TimeUnit.MILLISECONDS);
            }
        }
        String decoded = new String(sub.getInputStream().readAllBytes());
        assertEquals(0, sub.waitFor(), decoded);
        assertTrue(decoded.contains("name: \"cpu_load\"") && decoded.contains("double_value: 0.25"), decoded);

        Cli.Result control = Cli.run(pki, List.of("mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(noc), "--cafile", "chain.pem",
                "-u", NOC_USER, "-P", NOC_PASSWORD, "-t", "$EDC/#", "-C", "1", "-W", "3"));
        assertFalse(control.output().contains("denied"), "$EDC/# is granted: " + control.output());
        Cli.Result everything = Cli.run(pki, List.of("mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(noc), "--cafile", "chain.pem",
                "-u", NOC_USER, "-P", NOC_PASSWORD, "-t", "#", "-C", "1", "-W", "3"));
        assertTrue(everything.output().contains("denied"), "'#' would reach the broker's own addresses: " + everything.output());

        long acl = manager.broker().aclRefusals();
        long stored = manager.part(IngestPart.class).metrics().stored.sum();
        pub(noc, nocLogin(), "noc-wang-console"); // the broker may drop the connection: the exit code is not asserted
        Poll.until("publish refused", 30_000, () -> manager.broker().aclRefusals() > acl);
        assertEquals(stored, manager.part(IngestPart.class).metrics().stored.sum(), "nothing the NOC sent was stored");
    }

    @Test
    void unknownUnitsAreRefusedCountedAlarmedAndNeverInTheFleet() throws Exception {
        TlsBox foreign = TlsBox.issue(ca, "999999-001", pki);
        TlsBox unplanned = TlsBox.issue(ca, "130602-099", pki);
        String foreignLab = ManagerFixture.labPassword(manager, "999999-002");
        long outside = refused(ConnectRefusal.OUTSIDE_PROVINCE);
        long notInPlan = refused(ConnectRefusal.NOT_IN_PLAN);
        long notEnrolled = refused(ConnectRefusal.NOT_ENROLLED);
        assertEquals(REFUSED, pub(tls, certificate(foreign), "999999-001").exit(), "a CA certificate for a unit outside the province");
        assertEquals(REFUSED, pub(plain, List.of("-u", "999999-002", "-P", foreignLab), "999999-002").exit(), "a lab password for one");
        assertEquals(REFUSED, pub(tls, certificate(unplanned), "130602-099").exit(), "a unit the plan does not declare");
        assertEquals(REFUSED, pub(plain, List.of("-u", "130602-077", "-P", "guess"), "130602-077").exit(), "no credential issued");
        assertEquals(outside + 2, refused(ConnectRefusal.OUTSIDE_PROVINCE));
        assertEquals(notInPlan + 1, refused(ConnectRefusal.NOT_IN_PLAN));
        assertEquals(notEnrolled + 1, refused(ConnectRefusal.NOT_ENROLLED));
        Map<String, Object> metrics = manager.meters().snapshot();
        assertEquals(refused(ConnectRefusal.OUTSIDE_PROVINCE), ((Number) metrics.get("broker.refused.outside-province")).longValue());

        AlarmStore alarms = manager.context().alarms();
        for (String unit : List.of("999999-001", "999999-002", "130602-099", "130602-077")) {
            Poll.until("alarm for " + unit, 30_000, () -> {
                try {
                    return alarms.latest(AlarmStore.MANAGER_CLIENT_ID, 100).stream().anyMatch(a -> a.alarm().kind().equals("broker.connection-refused")
                            && unit.equals(a.alarm().evidence().get("client_id")));
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(manager.fleet().get(unit).isEmpty(), unit + " is in the fleet");
        }
    }

    @Test
    void eachRefusalIsOneLogLine() throws Exception {
        TlsBox box = TlsBox.issue(ca, "130602-002", pki);
        List<String> lines;
        try (StderrCapture log = new StderrCapture()) {
            pub(tls, certificate(box), "130602-001"); // another box's id
            // a line separator in the user name (an ASCII line break does not even pass the broker's MQTT decoder, and
            // mosquitto_pub refuses control characters itself)
            assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, paho(manager.brokerUrl(), "130000-001", "130000-001\u2028WARN forged line",
                    "guess", null));
            try (SimulatedBox b = new SimulatedBox(manager.brokerTlsUrl(), "130602-002").withTls(box.socketFactory()).connect()) {
                long acl = manager.broker().aclRefusals();
                b.publish("hebei/130602-001/HEALTH/status", Files.readAllBytes(pki.resolve("health.bin"))); // as another box
                Poll.until("publish refused", 30_000, () -> manager.broker().aclRefusals() > acl);
            }
            try (MqttClient c = new MqttClient(manager.brokerTlsUrl(), "130602-002", new MemoryPersistence())) {
                c.connect(options(null, null, box.socketFactory()));
                long acl = manager.broker().aclRefusals();
                try {
                    c.subscribe("$EDC/hebei/130602-001/#", 1); // SUBACK 0x80
                } catch (MqttException refusedByPaho) {
                    // Paho reports the refused SUBACK as an exception
                }
                Poll.until("subscription refused", 30_000, () -> manager.broker().aclRefusals() > acl);
                c.disconnect();
            }
            Thread.sleep(500); // lines Artemis might write after a refusal
            lines = new ArrayList<>(List.of(log.text().split("\n")));
        }
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception")), String.join("\n", lines));
        assertEquals(1, lines.stream().filter(l -> l.contains("client '130602-001'") && l.contains("client-id-mismatch")).count(),
                String.join("\n", lines));
        assertEquals(1, lines.stream().filter(l -> l.contains("user '130000-001\\u2028WARN forged line'") && l.contains("bad-credentials"))
                .count(), String.join("\n", lines));
        assertEquals(1, lines.stream().filter(l -> l.contains("refused publish by client '130602-002'")).count(), String.join("\n", lines));
        assertEquals(1, lines.stream().filter(l -> l.contains("refused subscription by BOX '130602-002'")).count(), String.join("\n", lines));
        assertTrue(lines.stream().noneMatch(l -> l.contains("\u2028")), "text from outside is escaped");
    }

    // ---- clients ----------------------------------------------------------------------------

    private long refused(ConnectRefusal reason) {
        return manager.broker().refusals().count(reason);
    }

    private List<String> certificate(TlsBox box) {
        return List.of("--cafile", "chain.pem", "--cert", box.certPem().toString(), "--key", box.keyPem().toString());
    }

    private List<String> nocLogin() {
        return List.of("--cafile", "chain.pem", "-u", NOC_USER, "-P", NOC_PASSWORD);
    }

    /** mosquitto_pub of one QoS 1 health message as {@code clientId}. */
    private Cli.Result pub(int port, List<String> login, String clientId) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-i", clientId,
                "-t", "hebei/" + clientId + "/HEALTH/status", "-f", "health.bin", "-q", "1"));
        cmd.addAll(login);
        return Cli.run(pki, cmd);
    }

    @Test
    void aLabPasswordRemovedFromTheFileClosesThatBoxsOpenConnectionOnly() throws Exception {
        Path file = Path.of(manager.context().config().get(ConfigKey.BROKER_PLAIN_PASSWORD_FILE));
        String removed = ManagerFixture.labPassword(manager, "130602-001");
        String kept = ManagerFixture.labPassword(manager, "130602-002");
        CountDownLatch lostRemoved = new CountDownLatch(1);
        CountDownLatch lostKept = new CountDownLatch(1);
        try (MqttClient a = connected("130602-001", removed, lostRemoved); MqttClient b = connected("130602-002", kept, lostKept)) {
            List<String> lines = Files.readAllLines(file);
            // as an operator would: delete the unit's line (mosquitto_passwd -D), the broker is not told
            Files.write(file, lines.stream().filter(l -> !l.startsWith("130602-001:")).toList());
            assertTrue(lostRemoved.await(30, TimeUnit.SECONDS), "the withdrawn box's open connection was closed");
            assertTrue(b.isConnected() && lostKept.getCount() == 1, "the other box stays connected");
            assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, paho("tcp://127.0.0.1:" + plain, "130602-001", "130602-001", removed, null));
            b.disconnect();
        }
    }

    private MqttClient connected(String unit, String password, CountDownLatch lost) throws MqttException {
        MqttClient c = new MqttClient("tcp://127.0.0.1:" + plain, unit, new MemoryPersistence());
        c.setCallback(new OnConnectionLost(() -> lost.countDown()));
        c.connect(options(unit, password, null));
        return c;
    }

    /** Paho's reason code for a refused CONNECT, or 0 when it got in. */
    private static int paho(String url, String clientId, String user, String password, SocketFactory tls) throws Exception {
        try (MqttClient c = new MqttClient(url, clientId, new MemoryPersistence())) {
            c.connect(options(user, password, tls));
            c.disconnect();
            return 0;
        } catch (MqttException e) {
            return e.getReasonCode();
        }
    }

    private static MqttConnectOptions options(String user, String password, SocketFactory tls) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(true);
        o.setConnectionTimeout(30);
        if (user != null) {
            o.setUserName(user);
            o.setPassword(password.toCharArray());
        }
        if (tls != null) {
            o.setSocketFactory(tls);
        }
        return o;
    }

    /** TLS that trusts the provincial CA and presents no certificate (the NOC listener). */
    private SocketFactory trustOnly() throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        int i = 0;
        for (X509Certificate c : ca.caCertificates()) {
            ts.setCertificateEntry("ca" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx.getSocketFactory();
    }
}
