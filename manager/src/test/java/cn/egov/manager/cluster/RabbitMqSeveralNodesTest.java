package cn.egov.manager.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.support.ManagerProcess;
import cn.egov.manager.support.Poll;
import cn.egov.manager.support.LeadershipLocks;
import cn.egov.manager.support.PostgresServer;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.PemFiles;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.support.RabbitMqCluster;
import cn.egov.manager.support.TlsBox;
import java.security.KeyPair;
import javax.net.ssl.SSLSocketFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's "several manager nodes" on the chosen messaging layer, all real processes: a 3-node
 * RabbitMQ 3.10 cluster (Debian's package, MQTT plugin, started here in its own folders and ports),
 * PostgreSQL (Debian's, {@link PostgresServer}) and three {@code manager run} processes in
 * {@code broker.mode = rabbitmq} consuming from one quorum queue. Users and permissions are made
 * with the operator's script {@code manager/rabbitmq/egov-rabbitmq-users}.
 *
 * <ol>
 *   <li>A box is confined to its own unit: it publishes as itself, not under another unit's topics,
 *       not on its own control requests, cannot subscribe to another unit's namespace; a wrong
 *       password is refused; deleting its user disconnects it; nothing of the other unit is stored.</li>
 *   <li>Over TLS the box's provincial certificate is its login (CN = unit code, no password): it
 *       publishes as its unit only, whatever client id it takes; a unit without a user and a
 *       certificate of another CA are refused.</li>
 *   <li>150 boxes (Paho, every node as a server URI, QoS 1, per-box users) publish numbered health
 *       messages; mid-load {@code kill -9} of the manager node holding the singletons, then of the
 *       RabbitMQ node leading the quorum queue. Every message a box got a PUBACK for is stored once;
 *       all three nodes ingested before the kill and the two survivors after it; boxes on the dead
 *       RabbitMQ node reconnected to the others; the survivors took every singleton over and their
 *       MISSING watch marks the boxes that went silent after the load.</li>
 * </ol>
 */
@Tag("rabbitmq")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RabbitMqSeveralNodesTest {

    private static final Path USERS_SCRIPT = Path.of("rabbitmq", "egov-rabbitmq-users").toAbsolutePath();
    private static final String ACCOUNT = "hebei";
    private static final String QUEUE = "egov-manager-ingest";
    private static final String MANAGER_USER = "egov-manager";
    private static final String NOC_TOKEN = "noc-" + UUID.randomUUID();
    private static final List<String> SINGLETONS = List.of("missing-watch", "exchange-resend", "duty-escalation",
            "portal-freshness", "audit-retention");
    private static final int BOXES = 150;
    private static final int MESSAGES = 120;
    private static final int WINDOW = 10;
    private static final long PACE_MS = 100;
    /** The box of the permission checks (enrolled with the script's {@code box}), and the unit it tries to be. */
    private static final String OWN = "130602-900";
    private static final String OTHER = "130602-901";
    /** Boxes of the TLS check: one enrolled for certificate login, one with a certificate but no user. */
    private static final String CERT_UNIT = "130602-910";
    private static final String CERT_NO_USER = "130602-911";
    private static final String LOAD_UNITS = "client_id BETWEEN '130602-001' AND '" + unit(BOXES) + "'";

    @TempDir
    static Path dir;
    private static PostgresServer pg;
    private static String url;
    private static RabbitMqCluster mq;
    private static ProvincialCa ca;
    private static final Map<String, String> PASSWORDS = new HashMap<>();
    private static final List<Node> MANAGERS = new ArrayList<>();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Node(String name, Process process, String web) {
    }

    @BeforeAll
    static void cluster() throws Exception {
        pg = PostgresServer.shared();
        url = pg.createDatabase();
        // the provincial CA: the nodes' TLS certificate, and the boxes' certificates they trust
        ca = ProvincialCa.create(dir.resolve("ca"), "rabbitmq-test-pass".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"));
        KeyPair serverKey = KeyPairs.p256();
        Path tlsDir = Files.createDirectories(dir.resolve("tls"));
        RabbitMqCluster.Tls tls = new RabbitMqCluster.Tls(
                PemFiles.write(tlsDir.resolve("cas.pem"), ca.issuingCertificate(), ca.rootCertificate()),
                PemFiles.write(tlsDir.resolve("server.pem"), ca.issueTlsServer(serverKey.getPublic(), "rabbitmq", List.of("localhost"),
                        List.of("127.0.0.1")), ca.issuingCertificate()),
                PemFiles.write(tlsDir.resolve("server.key"), serverKey.getPrivate()));
        mq = RabbitMqCluster.start(Files.createDirectories(dir.resolve("mq")), 3, tls);
        // the operator's way: the managers' user, one box at enrolment, the fleet in one import
        String managerPassword = password();
        script(managerPassword, "manager", MANAGER_USER);
        PASSWORDS.put(OWN, password());
        script(PASSWORDS.get(OWN), "box", OWN);
        script("", "box-cert", CERT_UNIT);
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= BOXES; i++) {
            String unit = unit(i);
            PASSWORDS.put(unit, password());
            lines.append("box ").append(unit).append(' ').append(PASSWORDS.get(unit)).append('\n');
        }
        PASSWORDS.put(OTHER, password());
        lines.append("box ").append(OTHER).append(' ').append(PASSWORDS.get(OTHER)).append('\n');
        Path defs = dir.resolve("definitions.json");
        Files.writeString(defs, script(lines.toString(), "definitions"));
        mq.ctl(0, "import_definitions", defs.toString());

        List<Process> started = new ArrayList<>();
        for (String name : List.of("node-a", "node-b", "node-c")) {
            started.add(ManagerProcess.start(dir, dir.resolve(name + ".out"), dir.resolve(name + ".err"), "run", "-c",
                    config(name, managerPassword).toString()));
            Thread.sleep(name.equals("node-a") ? 3_000 : 0); // node-a first: it takes the singletons
        }
        for (int i = 0; i < started.size(); i++) {
            String name = "node-" + (char) ('a' + i);
            MANAGERS.add(new Node(name, started.get(i), awaitReady(name, started.get(i))));
        }
        for (Node n : MANAGERS) {
            Poll.until(n.name() + " consumes from the quorum queue", 60_000, () -> metric(n, "ingest.connected") == 1);
        }
    }

    @AfterAll
    static void down() throws Exception {
        for (Node n : MANAGERS) {
            if (n.process().isAlive()) {
                n.process().destroyForcibly();
                n.process().waitFor(30, TimeUnit.SECONDS);
            }
        }
        if (mq != null) {
            mq.close();
        }
    }

    @Test
    @Order(1)
    void aBoxActsOnlyAsItsOwnUnit() throws Exception {
        try (Probe own = new Probe(OWN, OWN, PASSWORDS.get(OWN))) {
            own.publish(health(OWN, "e1", 1));
            assertThrows(MqttException.class, () -> own.publish(health(OTHER, "forged", 1)), "another unit's topic");
            own.reconnect();
            assertThrows(MqttException.class, () -> own.publish(new Msg(
                    KuraTopic.control(ACCOUNT, OWN, "POLICY", "PUT/bundle").toString(), new byte[] {1})), "its own control request");
            own.reconnect();
            assertFalse(own.subscribes(KuraTopic.CONTROL_PREFIX + "/" + ACCOUNT + "/" + OTHER + "/#"), "another unit's namespace");
            own.reconnect();
            assertTrue(own.subscribes(KuraTopic.CONTROL_PREFIX + "/" + ACCOUNT + "/" + OWN + "/#"), "its own namespace");
        }
        // its own credentials under the other unit's client id: the user, not the client id, names the unit
        try (Probe disguised = new Probe(OTHER, OWN, PASSWORDS.get(OWN))) {
            assertThrows(MqttException.class, () -> disguised.publish(health(OTHER, "forged", 2)));
        }
        MqttException refused = assertThrows(MqttException.class, () -> new Probe(OWN, OWN, "wrong-password-0123"));
        assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, refused.getReasonCode(), refused.toString());

        Poll.until("the box's own message stored", 60_000, () -> count("SELECT COUNT(*) FROM health_samples WHERE client_id = '" + OWN + "'") == 1);
        assertEquals(0, count("SELECT COUNT(*) FROM health_samples WHERE client_id = '" + OTHER + "'"), "nothing stored as the other unit");
        assertEquals(0, count("SELECT COUNT(*) FROM malformed WHERE topic LIKE '%" + OTHER + "%'"), "nothing of it reached a manager");

        // revocation: the operator deletes the box's user, its open connection ends
        try (Probe own = new Probe(OWN, OWN, PASSWORDS.get(OWN))) {
            long t0 = System.nanoTime();
            script("", "revoke", OWN);
            Poll.until("the revoked box disconnected", 30_000, () -> !own.client.isConnected());
            System.out.printf("revoked box disconnected %d ms after the script started%n", (System.nanoTime() - t0) / 1_000_000);
        }
        assertThrows(MqttException.class, () -> new Probe(OWN, OWN, PASSWORDS.get(OWN)), "a deleted user cannot log in");
    }

    @Test
    @Order(2)
    void aBoxLogsInWithItsProvincialCertificateAsItsUnit() throws Exception {
        TlsBox box = TlsBox.issue(ca, CERT_UNIT, dir.resolve("tls-boxes"));
        try (Probe p = new Probe(CERT_UNIT, box.socketFactory())) {
            p.publish(health(CERT_UNIT, "tls", 1));
            assertThrows(MqttException.class, () -> p.publish(health(OTHER, "forged", 3)), "another unit's topic");
        }
        // the certificate names the unit; a client id of another unit changes nothing
        try (Probe disguised = new Probe(OTHER, box.socketFactory())) {
            assertThrows(MqttException.class, () -> disguised.publish(health(OTHER, "forged", 4)));
        }
        // a provincial certificate for a unit without a user, and a certificate of another CA: refused
        assertThrows(MqttException.class, () -> new Probe(CERT_NO_USER, TlsBox.issue(ca, CERT_NO_USER, dir.resolve("tls-boxes")).socketFactory()));
        ProvincialCa foreign = ProvincialCa.create(dir.resolve("foreign-ca"), "foreign-pass-0123".toCharArray(),
                CaSettings.defaults("http://127.0.0.1:1"));
        assertThrows(MqttException.class, () -> new Probe(CERT_UNIT, TlsBox.issue(foreign, CERT_UNIT, dir.resolve("foreign-boxes")).socketFactory()));
        Poll.until("the box's message over TLS stored", 60_000, () -> count("SELECT COUNT(*) FROM health_samples WHERE client_id = '" + CERT_UNIT + "'") == 1);
        assertEquals(0, count("SELECT COUNT(*) FROM health_samples WHERE client_id = '" + OTHER + "'"), "nothing stored as the other unit");
    }

    @Test
    @Order(3)
    void killingAManagerNodeAndARabbitMqNodeMidLoadLosesNothing() throws Exception {
        Map<String, Integer> before = LeadershipLocks.holders(url, pg);
        int singletons = before.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(singletons >= SINGLETONS.size(), "the singletons are held: " + before);
        // the node holding the most singletons (node-a, started first: all of them) is the one killed
        Node leader = MANAGERS.stream().max(java.util.Comparator.comparingInt(n -> before.getOrDefault(n.name(), 0))).orElseThrow();

        int queueLeader = mq.leaderOf(QUEUE, 0); // asked before the load: the CLI is slow on a busy machine
        AtomicLong acked = new AtomicLong();
        List<LoadBox> boxes = new ArrayList<>();
        for (int i = 1; i <= BOXES; i++) {
            boxes.add(new LoadBox(unit(i), PASSWORDS.get(unit(i)), acked));
        }
        CountDownLatch done = new CountDownLatch(BOXES);
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (LoadBox b : boxes) {
            Thread t = new Thread(() -> {
                try {
                    b.run();
                } finally {
                    done.countDown();
                }
            }, "box-" + b.unit);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        long total = (long) BOXES * (MESSAGES + 1);

        // all three nodes take a share of the load before any kill
        Poll.until("every manager node ingests", 120_000, () -> MANAGERS.stream().allMatch(n -> metric(n, "ingest.stored") > 0));
        Poll.until("a fifth of the load acknowledged", 120_000, () -> acked.get() >= total / 5);
        Map<String, Long> storedBefore = new TreeMap<>();
        for (Node n : MANAGERS) {
            storedBefore.put(n.name(), metric(n, "ingest.stored"));
        }
        leader.process().destroyForcibly(); // kill -9
        assertTrue(leader.process().waitFor(30, TimeUnit.SECONDS));
        long managerKilledAt = System.nanoTime();
        System.out.printf("kill -9 of %s at %d of %d acknowledged (%.1f s into the load); stored per node so far %s%n",
                leader.name(), acked.get(), total, (managerKilledAt - t0) / 1e9, storedBefore);
        List<Node> survivors = MANAGERS.stream().filter(n -> n != leader).toList();

        Poll.until("two fifths of the load acknowledged", 180_000, () -> acked.get() >= 2 * total / 5);
        mq.kill(queueLeader);
        long mqKilledAt = System.nanoTime();
        long ackedAtMqKill = acked.get();
        System.out.printf("kill -9 of RabbitMQ node %s (quorum queue leader) at %d of %d acknowledged%n", mq.node(queueLeader),
                ackedAtMqKill, total);
        assertTrue(ackedAtMqKill < total, "the RabbitMQ node died mid-load");

        assertTrue(done.await(240, TimeUnit.SECONDS), "every box got every message acknowledged: " + acked.get() + " of " + total);
        double loadS = (System.nanoTime() - t0) / 1e9;
        List<LoadBox> failed = boxes.stream().filter(b -> b.failure != null).toList();
        assertTrue(failed.isEmpty(), () -> failed.size() + " boxes failed, e.g. " + failed.get(0).unit + ": " + failed.get(0).failure);
        assertEquals(total, acked.get());

        // every acknowledged message stored, exactly once, and nothing that was not sent
        Set<String> expected = new HashSet<>();
        for (LoadBox b : boxes) {
            for (int s = 1; s <= MESSAGES; s++) {
                expected.add(b.unit + "/" + b.epoch + "/" + s);
            }
        }
        Poll.until("every acknowledged message stored", 180_000, () -> storedHealth().containsAll(expected));
        Set<String> loadUnits = new HashSet<>();
        boxes.forEach(b -> loadUnits.add(b.unit));
        Set<String> stored = storedHealth();
        stored.removeIf(k -> !loadUnits.contains(k.substring(0, k.indexOf('/'))));
        assertEquals(expected, stored, "stored = acknowledged, nothing else");
        assertEquals(count("SELECT COUNT(*) FROM (SELECT DISTINCT client_id, msg_epoch, msg_seq FROM health_samples) d"),
                count("SELECT COUNT(*) FROM health_samples"), "no message stored twice");
        assertEquals(BOXES, count("SELECT COUNT(*) FROM lifecycle_events WHERE kind = 'BIRTH' AND " + LOAD_UNITS), "every BIRTH stored once");

        // the survivors took over the ingest: they stored more after the kill, and all that was left
        for (Node n : survivors) {
            long after = metric(n, "ingest.stored");
            assertTrue(after > storedBefore.get(n.name()), n.name() + " ingested after the kill: " + storedBefore.get(n.name()) + " → " + after);
            assertEquals(1, metric(n, "ingest.connected"), n.name() + " consumes again after the RabbitMQ node's death");
        }
        long duplicates = survivors.stream().mapToLong(n -> metric(n, "ingest.duplicates")).sum();

        // boxes on the dead RabbitMQ node reconnected to the others
        long moved = boxes.stream().filter(b -> b.losses.get() > 0).count();
        assertTrue(moved > 0, "some boxes were connected to the killed RabbitMQ node");
        long maxReconnectMs = boxes.stream().mapToLong(b -> b.longestOutageMs.get()).max().orElse(0);

        // the singletons moved to the survivors and keep running: the MISSING watch marks the boxes silent since the load ended
        Poll.until("the survivors hold every singleton", 60_000, () -> survivors.stream()
                .mapToInt(n -> LeadershipLocks.holders(url, pg).getOrDefault(n.name(), 0)).sum() == singletons);
        assertEquals(0, LeadershipLocks.holders(url, pg).getOrDefault(leader.name(), 0));
        try {
            Poll.until("every silent box MISSING", 120_000, () -> count("SELECT COUNT(*) FROM boxes WHERE status = 'MISSING' AND " + LOAD_UNITS)
                    == BOXES);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; boxes by status: " + rows("SELECT status, COUNT(*), MIN(last_health), MAX(last_health),"
                    + " MIN(health_interval_s) FROM boxes WHERE " + LOAD_UNITS + " GROUP BY status") + "; not MISSING: "
                    + rows("SELECT client_id, status, status_since, last_seen, last_health, health_interval_s FROM boxes WHERE "
                    + LOAD_UNITS + " AND status <> 'MISSING' LIMIT 5") + "; now " + System.currentTimeMillis(), e);
        }
        String runsWatch = survivors.stream().filter(n -> log(n).contains("node " + n.name() + " now runs the MISSING watch"))
                .map(Node::name).findFirst().orElse("none");
        assertNotEquals("none", runsWatch, "a survivor's log says it runs the MISSING watch");

        closeAll(boxes);
        System.out.printf("%d boxes, %d messages acknowledged and stored once in %.1f s (%.0f msg/s with both kills);"
                        + " %d duplicates dropped by the survivors; %d boxes reconnected to a surviving RabbitMQ node, longest outage %d ms;"
                        + " MISSING watch on %s%n", BOXES, total, loadS, total / loadS, duplicates, moved, maxReconnectMs, runsWatch);
        assertFalse(mq.isAlive(queueLeader));
        assertTrue(mqKilledAt > managerKilledAt);
    }

    // --- boxes

    private record Msg(String topic, byte[] payload) {
    }

    private static Msg health(String unit, String epoch, long seq) {
        return new Msg(KuraTopic.telemetry(ACCOUNT, unit, BoxMetrics.HEALTH_APP, BoxMetrics.HEALTH_RESOURCE).toString(),
                KuraPayloadCodec.encode(KuraPayload.builder().timestamp(System.currentTimeMillis()).metric(BoxMetrics.CPU_LOAD, 0.25)
                        .metric(BoxMetrics.OUTBOX_DEPTH, 0L).metric(MessageId.EPOCH_METRIC, epoch).metric(MessageId.SEQUENCE_METRIC, seq)
                        .build()));
    }

    private static Msg birth(String unit, String epoch) {
        return new Msg(KuraTopic.birth(ACCOUNT, unit).toString(), KuraPayloadCodec.encode(KuraPayload.builder()
                .timestamp(System.currentTimeMillis()).metric(BoxMetrics.DISPLAY_NAME, "测试 " + unit).metric(BoxMetrics.UNIT_CODE, unit)
                .metric(BoxMetrics.HEALTH_INTERVAL_S, 2).metric(MessageId.EPOCH_METRIC, epoch).metric(MessageId.SEQUENCE_METRIC, 0L).build()));
    }

    private static MqttConnectOptions options(String user, String password) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(true);
        o.setUserName(user);
        o.setPassword(password.toCharArray());
        o.setMaxInflight(WINDOW * 20); // far above the window: Paho's in-flight count lags its completed tokens
        o.setConnectionTimeout(30);
        o.setKeepAliveInterval(10);
        List<String> urls = new ArrayList<>(mq.mqttUrls());
        Collections.shuffle(urls); // each box its own order of the nodes, as a box configured with the list
        o.setServerURIs(urls.toArray(String[]::new));
        return o;
    }

    /** One connection for the permission checks. */
    private static final class Probe implements AutoCloseable {
        final MqttAsyncClient client;
        final MqttConnectOptions options;

        Probe(String clientId, String user, String password) throws MqttException {
            client = new MqttAsyncClient(mq.mqttUrls().get(0), clientId, new MemoryPersistence());
            options = options(user, password);
            connect();
        }

        /** Over TLS with a box certificate, no user name or password: the certificate's CN is the user. */
        Probe(String clientId, SSLSocketFactory tls) throws MqttException {
            client = new MqttAsyncClient(mq.mqttTlsUrls().get(1), clientId, new MemoryPersistence());
            options = new MqttConnectOptions();
            options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            options.setCleanSession(true);
            options.setConnectionTimeout(30);
            options.setSocketFactory(tls);
            options.setServerURIs(mq.mqttTlsUrls().toArray(String[]::new));
            connect();
        }

        /** Connects; while Paho still winds the previous connection down (32102), tries again. */
        void connect() throws MqttException {
            long deadline = System.currentTimeMillis() + 10_000;
            while (true) {
                try {
                    client.connect(options).waitForCompletion(30_000);
                    return;
                } catch (MqttException e) {
                    if (e.getReasonCode() != MqttException.REASON_CODE_CLIENT_DISCONNECTING || System.currentTimeMillis() > deadline) {
                        throw e;
                    }
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
        }

        /** After a refusal: connects again if the broker closed the connection. */
        void reconnect() throws Exception {
            long deadline = System.currentTimeMillis() + 5_000;
            while (client.isConnected() && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            if (!client.isConnected()) {
                connect();
            }
        }

        void publish(Msg m) throws MqttException {
            IMqttDeliveryToken t = client.publish(m.topic(), m.payload(), 1, false);
            t.waitForCompletion(15_000);
            if (!t.isComplete() || t.getException() != null) {
                throw new MqttException(MqttException.REASON_CODE_CLIENT_TIMEOUT);
            }
        }

        /** Whether the broker granted the subscription (3.10 answers a refused one with SUBACK 0x80 or closes). */
        boolean subscribes(String filter) {
            try {
                var t = client.subscribe(filter, 1);
                t.waitForCompletion(15_000);
                return t.getGrantedQos()[0] <= 1;
            } catch (MqttException e) {
                return false;
            }
        }

        @Override
        public void close() throws MqttException {
            if (client.isConnected()) {
                client.disconnectForcibly(1_000, 1_000);
            }
            client.close(true);
        }
    }

    /**
     * A box with a durable outbox of numbered health messages: QoS 1, a window of {@link #WINDOW}; a
     * message leaves the outbox only on its PUBACK; on a lost connection it connects again (to the
     * next node of its list) and sends what was not acknowledged again, in order.
     */
    private static final class LoadBox implements AutoCloseable {
        final String unit;
        final String epoch = UUID.randomUUID().toString();
        final String password;
        final AtomicLong acked;
        final AtomicInteger losses = new AtomicInteger();
        final AtomicLong longestOutageMs = new AtomicLong();
        final MqttAsyncClient client;
        volatile Throwable failure;

        LoadBox(String unit, String password, AtomicLong acked) throws MqttException {
            this.unit = unit;
            this.password = password;
            this.acked = acked;
            this.client = new MqttAsyncClient(mq.mqttUrls().get(0), unit, new MemoryPersistence());
            client.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
        }

        void run() {
            try {
                MqttConnectOptions o = options(unit, password);
                connect(o, 0);
                TreeMap<Long, IMqttDeliveryToken> inFlight = new TreeMap<>();
                long next = 0; // 0 = BIRTH
                List<Long> resend = new ArrayList<>();
                while (next <= MESSAGES || !inFlight.isEmpty() || !resend.isEmpty()) {
                    try {
                        while (!resend.isEmpty() && inFlight.size() < WINDOW) {
                            long s = resend.get(0);
                            inFlight.put(s, send(s)); // leaves the resend list only once it is in flight
                            resend.remove(0);
                        }
                        while (resend.isEmpty() && inFlight.size() < WINDOW && next <= MESSAGES) {
                            inFlight.put(next, send(next));
                            next++;
                            Thread.sleep(PACE_MS);
                        }
                        Map.Entry<Long, IMqttDeliveryToken> oldest = inFlight.firstEntry();
                        if (oldest != null) {
                            oldest.getValue().waitForCompletion(30_000);
                            if (oldest.getValue().getException() != null) {
                                throw oldest.getValue().getException();
                            }
                            inFlight.remove(oldest.getKey());
                            acked.incrementAndGet();
                        }
                    } catch (MqttException lost) {
                        losses.incrementAndGet();
                        long lostAt = System.nanoTime();
                        resend.addAll(0, inFlight.keySet()); // not acknowledged: sent again, first
                        Collections.sort(resend);
                        inFlight.clear();
                        connect(o, lostAt);
                    }
                }
            } catch (Throwable t) {
                failure = t;
            }
        }

        private IMqttDeliveryToken send(long seq) throws MqttException {
            Msg m = seq == 0 ? birth(unit, epoch) : health(unit, epoch, seq);
            return client.publish(m.topic(), m.payload(), 1, false);
        }

        private void connect(MqttConnectOptions o, long lostAt) throws Exception {
            long deadline = System.currentTimeMillis() + 120_000;
            while (true) {
                try {
                    if (client.isConnected()) {
                        client.disconnectForcibly(100, 100);
                    }
                    client.connect(o).waitForCompletion(30_000);
                    if (lostAt != 0) {
                        longestOutageMs.accumulateAndGet((System.nanoTime() - lostAt) / 1_000_000, Math::max);
                    }
                    return;
                } catch (MqttException e) {
                    if (System.currentTimeMillis() > deadline) {
                        throw e;
                    }
                    Thread.sleep(500);
                }
            }
        }

        @Override
        public void close() {
            try {
                if (client.isConnected()) {
                    client.disconnectForcibly(1_000, 1_000);
                }
                client.close(true);
            } catch (MqttException ignored) {
                // the test is over
            }
        }
    }

    /**
     * Closes the boxes side by side: a close waits up to its quiesce and DISCONNECT timeouts (Paho's
     * disconnectForcibly, about a second here), and one box after another that was 150 s of the test.
     */
    private static void closeAll(List<LoadBox> boxes) throws InterruptedException {
        List<Thread> closing = new ArrayList<>();
        for (LoadBox b : boxes) {
            Thread t = new Thread(b::close, "close-" + b.unit);
            t.setDaemon(true);
            closing.add(t);
            t.start();
        }
        for (Thread t : closing) {
            t.join(60_000);
        }
    }

    // --- the managers, the store, the script

    private static String unit(int i) {
        return String.format("130602-%03d", i);
    }

    private static String password() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /** {@code egov-rabbitmq-users ARGS} against node 0, {@code stdin} as its input; its output. */
    private static String script(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", USERS_SCRIPT.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().putAll(mq.env(0));
        pb.environment().put("RABBITMQCTL", mq.ctlCommand(0));
        pb.environment().put("EGOV_QUEUE", QUEUE);
        Path err = dir.resolve("script.err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        p.getOutputStream().write((stdin + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), () -> "egov-rabbitmq-users " + args[0] + ": " + readQuietly(err));
        return out;
    }

    private static Path config(String node, String managerPassword) throws Exception {
        Path file = dir.resolve(node + ".properties");
        Files.writeString(file, String.join("\n", "data.dir = " + dir.resolve(node + "-data"), "web.port = 0",
                "db.url = " + url, "db.user = " + PostgresServer.USER, "db.password = " + pg.password(),
                "broker.mode = rabbitmq", "broker.amqp.addresses = " + mq.amqpAddresses(),
                "broker.username = " + MANAGER_USER, "broker.password = " + managerPassword,
                "ingest.amqp.queue = " + QUEUE, "ingest.amqp.prefetch = 200",
                "auth.noc.token = " + NOC_TOKEN,
                "cluster.node = " + node, "cluster.leader.retry-ms = 500", "fleet.check-period-ms = 500",
                // = the boxes' BIRTH interval. With competing consumers a box's BIRTH and its health land on different
                // nodes; a node that stores health before its fleet took the BIRTH over writes its default interval
                // into the row (BoxStore.upsert), and the box would go MISSING only after 3 × 60 s (reported, fleet's)
                "fleet.default-health-interval-s = 2", ""));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** Waits for {@code manager run}'s "fleet: URL" line; the web base URL. */
    private static String awaitReady(String node, Process p) throws Exception {
        String[] web = new String[1];
        Poll.until("manager run (" + node + ") ready", 180_000, () -> {
            if (!p.isAlive()) {
                throw new AssertionError("manager run (" + node + ") ended with " + p.exitValue() + ": " + readQuietly(dir.resolve(node + ".err")));
            }
            for (String line : readQuietly(dir.resolve(node + ".out")).lines().toList()) {
                if (line.startsWith("fleet: ")) {
                    web[0] = line.substring("fleet: ".length()).replaceAll("/fleet$", "");
                    return true;
                }
            }
            return false;
        });
        return web[0];
    }

    private static String log(Node n) {
        return readQuietly(dir.resolve(n.name() + ".err"));
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** One figure of a node's {@code GET /api/metrics} (the NOC's token). */
    private static long metric(Node n, String name) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(n.web() + "/api/metrics"))
                    .header("Authorization", "Bearer " + NOC_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode v = JSON.readTree(r.body()).get(name);
            return v == null ? -1 : v.asLong();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(n.name() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long count(String sql) {
        try (Connection c = DriverManager.getConnection(url, PostgresServer.USER, pg.password());
             PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rows as text, for a failure's message. */
    private static List<String> rows(String sql) {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, PostgresServer.USER, pg.password());
             PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                List<String> cols = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    cols.add(rs.getString(i));
                }
                out.add(String.join(" ", cols));
            }
        } catch (SQLException e) {
            out.add(e.toString());
        }
        return out;
    }

    private static Set<String> storedHealth() {
        Set<String> out = ConcurrentHashMap.newKeySet();
        try (Connection c = DriverManager.getConnection(url, PostgresServer.USER, pg.password());
             PreparedStatement ps = c.prepareStatement("SELECT client_id, msg_epoch, msg_seq FROM health_samples");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getLong(3));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
