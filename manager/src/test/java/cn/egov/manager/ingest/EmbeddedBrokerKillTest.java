package cn.egov.manager.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.store.Database;
import cn.egov.manager.support.LabPasswords;
import cn.egov.manager.support.ManagerProcess;
import cn.egov.manager.support.Poll;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker's PUBACK means durable: boxes publish QoS 1 as fast as the broker acknowledges
 * (window 20 each) into a real {@code manager run} process, which is killed with SIGKILL mid-stream
 * (no shutdown hook, no journal flush). After a restart on the same data folder, every message the
 * broker had acknowledged before it died is in the store, once: a box that deleted it from its outbox
 * on that PUBACK lost nothing. (Messages sent but not acknowledged may or may not be there; the box
 * still has them and sends them again.)
 */
class EmbeddedBrokerKillTest {

    private static final int BOXES = 10;
    private static final int WINDOW = 20;
    /** Kill once this many PUBACKs arrived, while the boxes keep publishing. */
    private static final int KILL_AFTER = 3_000;

    @TempDir
    Path dir;

    @Test
    void everyMessageAcknowledgedBeforeAKillIsStoredAfterTheRestart() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path passwords = dir.resolve("boxes.passwd");
        List<String> units = new ArrayList<>();
        List<String> secrets = new ArrayList<>();
        for (int b = 1; b <= BOXES; b++) {
            String unit = String.format("130602-%03d", b);
            units.add(unit);
            secrets.add(LabPasswords.issue(passwords, unit));
        }
        Path config = dir.resolve("manager.properties");
        Files.writeString(config, String.join("\n", "data.dir = " + dir.resolve("data"), "web.port = 0",
                "broker.port = " + port, "broker.plain.enabled = true", "broker.plain.password-file = " + passwords, ""));

        Process first = start("first", config);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        List<Publisher> boxes = new ArrayList<>();
        for (int b = 0; b < BOXES; b++) {
            boxes.add(new Publisher("tcp://127.0.0.1:" + port, units.get(b), secrets.get(b), acknowledged));
        }
        boxes.forEach(Publisher::start);
        Poll.until(KILL_AFTER + " messages acknowledged", 300_000, () -> acknowledged.size() >= KILL_AFTER);
        first.destroyForcibly(); // SIGKILL
        assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        Poll.until("every box saw the connection go", 60_000, () -> boxes.stream().allMatch(p -> !p.client.isConnected()));
        Set<String> before = new HashSet<>(acknowledged); // PUBACKs read before the connection went
        long sent = boxes.stream().mapToLong(p -> p.sent.get()).sum();
        boxes.forEach(Publisher::close);
        assertTrue(sent > before.size(), "the kill came mid-stream: " + sent + " sent, " + before.size() + " acknowledged");

        Process second = start("second", config);
        try {
            Poll.until("every acknowledged message stored after the restart", 180_000, () -> unchecked(() -> stored().containsAll(before)));
            List<String> rows = storedRows();
            assertEquals(new HashSet<>(rows).size(), rows.size(), "no message stored twice");
        } finally {
            ManagerProcess.stop(second);
        }
    }

    private Process start(String name, Path config) throws Exception {
        Process p = ManagerProcess.start(dir, dir.resolve(name + ".out"), dir.resolve(name + ".err"), "run", "-c", config.toString());
        Poll.until("manager run (" + name + ") ready", 120_000, () -> unchecked(() -> {
            if (!p.isAlive()) {
                throw new AssertionError("manager run ended with " + p.exitValue() + ": " + Files.readString(dir.resolve(name + ".err")));
            }
            return Files.readString(dir.resolve(name + ".out")).contains("fleet: http");
        }));
        return p;
    }

    private static boolean unchecked(java.util.concurrent.Callable<Boolean> check) {
        try {
            return check.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Set<String> stored() throws Exception {
        return new HashSet<>(storedRows());
    }

    private List<String> storedRows() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = Database.open("jdbc:sqlite:" + dir.resolve("data/manager.db")).connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT client_id, msg_epoch, msg_seq FROM health_samples")) {
            while (rs.next()) {
                out.add(rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getLong(3));
            }
        }
        return out;
    }

    /** A box publishing health QoS 1 with a window, as its outbox drains: the next as each PUBACK comes. */
    private static final class Publisher implements IMqttActionListener {
        final MqttAsyncClient client;
        final String unit;
        final String epoch = UUID.randomUUID().toString();
        final Set<String> acknowledged;
        final AtomicInteger sent = new AtomicInteger();
        private final MqttConnectOptions options = new MqttConnectOptions();

        Publisher(String url, String unit, String password, Set<String> acknowledged) throws Exception {
            this.client = new MqttAsyncClient(url, unit, new MemoryPersistence());
            this.unit = unit;
            this.acknowledged = acknowledged;
            options.setUserName(unit);
            options.setPassword(password.toCharArray());
            options.setMaxInflight(WINDOW);
            options.setAutomaticReconnect(false);
            options.setConnectionTimeout(60);
            client.connect(options).waitForCompletion(60_000);
        }

        void start() {
            for (int i = 0; i < WINDOW; i++) {
                next();
            }
        }

        private void next() {
            long seq = sent.getAndIncrement();
            byte[] payload = KuraPayloadCodec.encode(KuraPayload.builder().timestamp(System.currentTimeMillis())
                    .metric(BoxMetrics.CPU_LOAD, 0.5).metric(MessageId.EPOCH_METRIC, epoch).metric(MessageId.SEQUENCE_METRIC, seq).build());
            try {
                client.publish(KuraTopic.telemetry("hebei", unit, BoxMetrics.HEALTH_APP, BoxMetrics.HEALTH_RESOURCE).toString(),
                        payload, 1, false, seq, this);
            } catch (Exception e) {
                sent.decrementAndGet(); // not sent: the connection is gone
            }
        }

        @Override
        public void onSuccess(IMqttToken token) {
            acknowledged.add(unit + "/" + epoch + "/" + token.getUserContext());
            next();
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
            // the broker died: this one stays in the box's outbox
        }

        void close() {
            try {
                client.close(true);
            } catch (Exception e) {
                // already disconnected by the kill
            }
        }
    }
}
