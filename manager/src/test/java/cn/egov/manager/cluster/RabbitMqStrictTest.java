package cn.egov.manager.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.broker.ConnectRefusal;
import cn.egov.manager.store.AlarmStore;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.PemFiles;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.ca.RabbitMqAuthTls;
import cn.egov.manager.ca.RevocationReason;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.Poll;
import cn.egov.manager.support.RabbitMqCluster;
import cn.egov.manager.support.TlsBox;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code broker.mode = rabbitmq} as strict as the embedded broker, with real processes: one RabbitMQ
 * 3.10 node (Debian's, own node name, ports, epmd and folder; removed at the end) whose authorisation
 * is the manager's HTTP endpoint ({@code auth_backends.1.authz = http}, mutual TLS with a HUB
 * certificate of the provincial CA), and a manager started in this JVM on it. A revoked certificate
 * is refused at CONNECT and its open connection is closed by the manager; a box cannot take another
 * box's client id (with a password or a certificate); the endpoint answers nobody but RabbitMQ.
 */
@Tag("rabbitmq")
class RabbitMqStrictTest {

    private static final Path USERS_SCRIPT = Path.of("rabbitmq", "egov-rabbitmq-users").toAbsolutePath();
    private static final String MANAGER_USER = "egov-manager";
    private static final String ADMIN_USER = "egov-admin";
    private static final String HUB = "mq-auth.test";
    private static final String PUBLISHER = "130602-101";
    private static final String VICTIM = "130602-102";
    private static final String CERT_BOX = "130602-103";
    private static final String REVOKED_CERT_BOX = "130602-104";
    private static final String REVOKED_PASSWORD_BOX = "130602-105";
    private static final String ENROLLED_AGAIN = "130602-106";
    private static final String FLOOD = "130602-107";
    private static final String MARKER = "130602-108";
    /** The users' script calls run this many at a time: each rabbitmqctl mostly waits for its Erlang VM and the node. */
    private static final int SCRIPTS_AT_ONCE = 4;

    @TempDir
    static Path dir;
    private static ProvincialCa ca;
    private static RabbitMqCluster mq;
    private static ManagerAssembly manager;
    private static int authPort;
    private static Path crl;
    private static final Map<String, String> PASSWORDS = new HashMap<>();
    private static final Map<String, TlsBox> CERTS = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        ca = ProvincialCa.create(dir.resolve("ca"), "rabbitmq-strict-test".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"));
        Path tlsDir = Files.createDirectories(dir.resolve("tls"));
        KeyPair serverKey = KeyPairs.p256();
        KeyPair hubKey = KeyPairs.p256();
        Path cas = PemFiles.write(tlsDir.resolve("cas.pem"), ca.issuingCertificate(), ca.rootCertificate());
        // the issuing CA's CRL where the node reads it at every handshake: <issuer hash>.r0 (in production a link to
        // the CRL publisher's issuing.crl.pem; here written by the test after each revocation)
        Path crlDir = Files.createDirectories(dir.resolve("crl"));
        Path issuing = PemFiles.write(tlsDir.resolve("issuing.pem"), ca.issuingCertificate());
        Process hash = new ProcessBuilder("openssl", "x509", "-hash", "-noout", "-in", issuing.toString()).start();
        crl = crlDir.resolve(new String(hash.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip() + ".r0");
        assertEquals(0, hash.waitFor());
        publishCrl();
        RabbitMqCluster.Tls tls = new RabbitMqCluster.Tls(cas,
                PemFiles.write(tlsDir.resolve("server.pem"), ca.issueTlsServer(serverKey.getPublic(), "rabbitmq", List.of("localhost"),
                        List.of("127.0.0.1")), ca.issuingCertificate()),
                PemFiles.write(tlsDir.resolve("server.key"), serverKey.getPrivate())).withCrlDirectory(crlDir);
        // the node's client certificate for the manager's endpoint: a HUB certificate (clientAuth), CN = broker.rabbitmq.auth.clients
        Path hubPem = PemFiles.write(tlsDir.resolve("hub.pem"), ca.issueHub(hubKey.getPublic(), HUB, List.of(HUB), List.of()),
                ca.issuingCertificate());
        Path hubKeyPem = PemFiles.write(tlsDir.resolve("hub.key"), hubKey.getPrivate());
        authPort = freePort();
        String base = "https://localhost:" + authPort + "/auth/";
        RabbitMqCluster.Extra extra = new RabbitMqCluster.Extra(List.of("rabbitmq_auth_backend_http", "rabbitmq_management"),
                List.of("auth_backends.1.authn = internal", "auth_backends.1.authz = http", "auth_http.http_method = get",
                        "auth_http.user_path = " + base + "user", "auth_http.vhost_path = " + base + "vhost",
                        "auth_http.resource_path = " + base + "resource", "auth_http.topic_path = " + base + "topic"),
                List.of("{rabbitmq_auth_backend_http, [{ssl_options, [{cacertfile, \"" + cas + "\"}, {certfile, \"" + hubPem
                        + "\"}, {keyfile, \"" + hubKeyPem + "\"}, {verify, verify_peer}, {depth, 3}]}]}"));
        mq = RabbitMqCluster.start(Files.createDirectories(dir.resolve("mq")), 1, tls, extra);

        // the users, each a script call of its own (2-4 rabbitmqctl each, a second or more apiece): side by side
        String managerPassword = password();
        String adminPassword = password();
        List<Callable<Void>> users = new ArrayList<>();
        users.add(scriptCall(managerPassword, "manager", MANAGER_USER));
        users.add(scriptCall(adminPassword, "admin", ADMIN_USER));
        for (String unit : List.of(PUBLISHER, VICTIM, REVOKED_PASSWORD_BOX)) {
            String pw = password();
            PASSWORDS.put(unit, pw);
            users.add(scriptCall(pw, "box", unit));
        }
        for (String unit : List.of(CERT_BOX, REVOKED_CERT_BOX, ENROLLED_AGAIN, FLOOD, MARKER)) {
            users.add(scriptCall("", "box-cert", unit));
        }
        ExecutorService pool = Executors.newFixedThreadPool(SCRIPTS_AT_ONCE);
        try {
            for (Future<Void> f : pool.invokeAll(users)) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error err) {
                        throw err; // a script call's failed assertion, as when it ran in this thread
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        // every box holds a certificate of the province: the endpoint asks the CA register about the unit
        for (String unit : List.of(PUBLISHER, VICTIM, CERT_BOX, REVOKED_CERT_BOX, REVOKED_PASSWORD_BOX, FLOOD, MARKER)) {
            CERTS.put(unit, TlsBox.issue(ca, unit, dir.resolve("boxes")));
        }

        ManagerConfig config = ManagerFixture.config(dir.resolve("manager"))
                .with(ConfigKey.BROKER_AMQP_ADDRESSES, mq.amqpAddresses())
                .with(ConfigKey.BROKER_MODE, "rabbitmq")
                .with(ConfigKey.BROKER_USERNAME, MANAGER_USER)
                .with(ConfigKey.BROKER_PASSWORD, managerPassword)
                .with(ConfigKey.BROKER_CREDENTIAL_CHECK_MS, 500)
                .with(ConfigKey.BROKER_RABBITMQ_AUTH_CLIENTS, HUB)
                .with(ConfigKey.BROKER_RABBITMQ_MANAGEMENT_URLS, mq.managementUrl(0))
                .with(ConfigKey.BROKER_RABBITMQ_MANAGEMENT_USERNAME, ADMIN_USER)
                .with(ConfigKey.BROKER_RABBITMQ_MANAGEMENT_PASSWORD, adminPassword)
                .with(ConfigKey.BROKER_RABBITMQ_AUTH_PORT, authPort);
        manager = ManagerAssembly.start(config, ManagerAssembly.Options.defaults().withTlsCa(ca));
    }

    @AfterAll
    static void stop() throws Exception {
        if (manager != null) {
            manager.close();
        }
        if (mq != null) {
            mq.close();
        }
        if (ca != null) {
            ca.close();
        }
    }

    @Test
    void aBoxPublishesAsItselfTheManagerIngestsItAndAnotherUnitsTopicClosesTheConnection() throws Exception {
        try (MqttClient box = passwordBox(PUBLISHER, PUBLISHER)) {
            box.publish("hebei/" + PUBLISHER + "/HEALTH/status", health(), 1, false);
            Poll.until("health of " + PUBLISHER + " ingested over AMQP", 60_000, () -> manager.fleet().get(PUBLISHER).isPresent());
            assertThrows(MqttException.class, () -> box.publish("hebei/" + VICTIM + "/HEALTH/status", health(), 1, false));
            Poll.until("the publisher's connection closed", 30_000, () -> !box.isConnected());
        }
        assertTrue(manager.fleet().get(VICTIM).isEmpty(), "nothing stored for the other unit");
    }

    @Test
    void anotherBoxsClientIdIsRefusedWithAPasswordOrACertificateAndThatBoxStaysConnected() throws Exception {
        try (MqttClient victim = passwordBox(VICTIM, VICTIM)) {
            refused(() -> passwordBox(PUBLISHER, VICTIM));
            refused(() -> certificateBox(CERT_BOX, VICTIM));
            assertTrue(victim.isConnected(), "the box whose client id was tried is still connected");
            // alarmed as on the embedded broker: the NOC sees who tried whose client id
            AlarmStore alarms = manager.context().alarms();
            Poll.until("an alarm for the refused client id", 30_000, () -> {
                try {
                    return alarms.latest(AlarmStore.MANAGER_CLIENT_ID, 100).stream().anyMatch(a -> a.alarm().kind().equals("broker.connection-refused")
                            && VICTIM.equals(a.alarm().evidence().get("client_id")) && "rabbitmq".equals(a.alarm().evidence().get("listener"))
                            && a.alarm().evidence().get("reason").contains(ConnectRefusal.CLIENT_ID_MISMATCH.label));
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            victim.publish("hebei/" + VICTIM + "/HEALTH/status", health(), 1, false);
            victim.disconnect();
        }
        try (MqttClient own = certificateBox(CERT_BOX, CERT_BOX)) {
            assertTrue(own.isConnected(), "a certificate login under its own unit code");
            own.disconnect();
        }
    }

    @Test
    void aCertificateTryingMadeUpClientIdsRaisesOneAlarm() throws Exception {
        for (int i = 1; i <= 5; i++) {
            String clientId = "flood-" + i;
            refused(() -> certificateBox(FLOOD, clientId));
        }
        // the manager notes a denial before it answers the node: once a later one's alarm is stored, a flush after all
        // five has run
        refused(() -> certificateBox(MARKER, "marker-1"));
        Poll.until("the marker's alarm", 30_000, () -> refusalAlarms(MARKER).size() == 1);
        List<Alarm> raised = refusalAlarms(FLOOD);
        assertEquals(1, raised.size(), raised.toString());
        assertEquals("flood-1", raised.get(0).evidence().get("client_id"));
    }

    private static List<Alarm> refusalAlarms(String user) {
        try {
            return manager.context().alarms().latest(AlarmStore.MANAGER_CLIENT_ID, 1000).stream().map(a -> a.alarm())
                    .filter(a -> a.kind().equals("broker.connection-refused") && user.equals(a.evidence().get("user"))).toList();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aRevocationClosesTheOpenConnectionAndRefusesTheNextConnect() throws Exception {
        try (MqttClient certBox = certificateBox(REVOKED_CERT_BOX, REVOKED_CERT_BOX);
             MqttClient passwordBox = passwordBox(REVOKED_PASSWORD_BOX, REVOKED_PASSWORD_BOX)) {
            // the CRL is not published: the register alone refuses these units (no good certificate left)
            ca.revoke(CERTS.get(REVOKED_CERT_BOX).certificate().getSerialNumber(), RevocationReason.keyCompromise);
            ca.revoke(CERTS.get(REVOKED_PASSWORD_BOX).certificate().getSerialNumber(), RevocationReason.cessationOfOperation);
            Poll.until("the revoked certificate's connection closed by the manager", 30_000, () -> !certBox.isConnected());
            Poll.until("the revoked unit's password connection closed by the manager", 30_000, () -> !passwordBox.isConnected());
        }
        refused(() -> certificateBox(REVOKED_CERT_BOX, REVOKED_CERT_BOX));
        refused(() -> passwordBox(REVOKED_PASSWORD_BOX, REVOKED_PASSWORD_BOX));
    }

    @Test
    void aRevokedCertificateOfAUnitEnrolledAgainIsRefusedAtTheHandshakeAndTheNewOneConnects() throws Exception {
        TlsBox old = TlsBox.issue(ca, ENROLLED_AGAIN, dir.resolve("old"));
        try (MqttClient connected = certificateBox(old, ENROLLED_AGAIN)) {
            TlsBox renewed = TlsBox.issue(ca, ENROLLED_AGAIN, dir.resolve("renewed"));
            ca.revoke(old.certificate().getSerialNumber(), RevocationReason.keyCompromise);
            publishCrl();
            // RabbitMQ never shows the certificate: the manager closes every connection of the unit ...
            Poll.until("the unit's connections closed by the manager", 30_000, () -> !connected.isConnected());
            // ... the revoked certificate stays out (the CRL at the handshake, not a CONNACK) ...
            MqttException e = assertThrows(MqttException.class, () -> certificateBox(old, ENROLLED_AGAIN).close());
            assertTrue(e.getReasonCode() != MqttException.REASON_CODE_FAILED_AUTHENTICATION
                    && e.getReasonCode() != MqttException.REASON_CODE_NOT_AUTHORIZED, "refused by TLS, not by a CONNACK: " + e);
            // ... and the unit's good certificate connects
            try (MqttClient again = certificateBox(renewed, ENROLLED_AGAIN)) {
                assertTrue(again.isConnected());
                again.disconnect();
            }
        }
    }

    @Test
    void theAuthEndpointAnswersOnlyTheRabbitMqNodes() throws Exception {
        URI ask = URI.create("https://localhost:" + authPort + "/auth/user?username=" + MANAGER_USER);
        // no client certificate: the handshake fails
        HttpClient anonymous = HttpClient.newBuilder().sslContext(RabbitMqAuthTls.clientContext(ca)).build();
        assertThrows(IOException.class, () -> anonymous.send(HttpRequest.newBuilder(ask).build(), HttpResponse.BodyHandlers.ofString()));
        // a box's valid certificate of the same CA: not a RabbitMQ node
        HttpClient box = HttpClient.newBuilder().sslContext(TlsBox.issueContext(ca, "130602-109")).build();
        HttpResponse<String> r = box.send(HttpRequest.newBuilder(ask).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(manager.meters().scrape().contains("rabbitmq_auth_refused_callers_total 1"), "counted: " + manager.meters().scrape());
    }

    private static void refused(org.junit.jupiter.api.function.Executable connect) {
        MqttException e = assertThrows(MqttException.class, connect);
        assertTrue(Set.of((int) MqttException.REASON_CODE_FAILED_AUTHENTICATION, (int) MqttException.REASON_CODE_NOT_AUTHORIZED)
                        .contains(e.getReasonCode()),
                "refused by the broker's CONNACK, got " + e);
    }

    private static MqttClient passwordBox(String user, String clientId) throws MqttException {
        MqttConnectOptions o = options();
        o.setUserName(user);
        o.setPassword(PASSWORDS.get(user).toCharArray());
        return connect(mq.mqttUrls().get(0), clientId, o);
    }

    private static MqttClient certificateBox(String unit, String clientId) throws MqttException {
        return certificateBox(CERTS.get(unit), clientId);
    }

    private static MqttClient certificateBox(TlsBox box, String clientId) throws MqttException {
        MqttConnectOptions o = options();
        o.setSocketFactory(box.socketFactory());
        return connect(mq.mqttTlsUrls().get(0), clientId, o);
    }

    /** What the CRL publisher does after a revocation; atomically, as the node may read it at any moment. */
    private static void publishCrl() throws Exception {
        Path tmp = crl.resolveSibling("crl.tmp");
        PemFiles.write(tmp, ca.crl());
        Files.move(tmp, crl, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static MqttConnectOptions options() {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(true);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(30);
        return o;
    }

    private static MqttClient connect(String url, String clientId, MqttConnectOptions o) throws MqttException {
        MqttClient c = new MqttClient(url, clientId, new MemoryPersistence());
        try {
            c.connect(o);
            return c;
        } catch (MqttException e) {
            c.close();
            throw e;
        }
    }

    private static byte[] health() {
        return KuraPayloadCodec.encode(KuraPayload.builder().timestamp(System.currentTimeMillis()).metric(BoxMetrics.CPU_LOAD, 0.25).build());
    }

    private static String password() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** {@code egov-rabbitmq-users ARGS} against the node, {@code stdin} as its input. */
    private static Callable<Void> scriptCall(String stdin, String... args) {
        return () -> {
            script(stdin, args);
            return null;
        };
    }

    private static void script(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", USERS_SCRIPT.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(mq.env(0));
        pb.environment().put("RABBITMQCTL", mq.ctlCommand(0));
        Process p = pb.start();
        p.getOutputStream().write((stdin + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), () -> "egov-rabbitmq-users " + args[0] + ": " + out);
    }
}
