package cn.egov.bench.telemetry;

import cn.egov.api.identity.BoxIdentity;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.Priority;
import cn.egov.rules.unit.UnitCode;
import cn.egov.telemetry.mqtt.LifecyclePayloads;
import cn.egov.telemetry.mqtt.MqttSettings;
import cn.egov.telemetry.mqtt.MqttTelemetryPublisher;
import cn.egov.telemetry.outbox.DurableOutbox;
import cn.egov.telemetry.outbox.OutboxSettings;
import cn.egov.telemetry.outbox.OutgoingMessage;
import cn.egov.telemetry.outbox.StoredMessage;
import cn.egov.telemetry.outbox.SyncMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.sqlite.JDBC;
import org.sqlite.SQLiteConfig;

/**
 * Load driver for the telemetry outbox: enqueue and drain rates of {@link DurableOutbox}, each next
 * to a same-run baseline (plain SQLite inserts/deletes of the same row shape, and raw Paho QoS 1
 * publishing without the outbox).
 *
 * <pre>
 * java -cp ... cn.egov.bench.telemetry.OutboxLoadDriver WORKDIR [tcp://127.0.0.1:PORT]
 * </pre>
 * The broker phase runs only when a broker URL is given (use Mosquitto with raised queue limits).
 */
public final class OutboxLoadDriver {
    private static final String TOPIC = "hebei/130602-001/BENCH/load";
    private static final int SINGLE = 2_000;
    private static final int BULK = 100_000;
    private static final int BATCH = 1_000;
    private static final int THREADS = 8;
    private static final int MQTT_MESSAGES = 20_000;
    /** True during the warm-up pass. */
    private static boolean quiet;

    private OutboxLoadDriver() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Files.createDirectories(work);
        String broker = args.length > 1 ? args[1] : null;
        KuraPayload sample = KuraPayload.builder().timestamp(1L).metric("value", 42.0).metric("name", "interface eth0 counters")
                .metric("count", 123456L).build();
        byte[] row = KuraPayloadCodec.encode(sample);
        System.out.printf("payload %d bytes encoded (+ msg.epoch/msg.seq in the outbox)%n", row.length);

        // Warm-up pass at a tenth of the sizes, not reported, so that JIT compilation is not measured.
        quiet = true;
        for (SyncMode mode : SyncMode.values()) {
            runAll(work, mode, sample, row, 10);
        }
        quiet = false;
        for (SyncMode mode : SyncMode.values()) {
            runAll(work, mode, sample, row, 1);
        }
        if (broker != null) {
            report("baseline raw Paho QoS 1 publish, window 20", SyncMode.FULL, MQTT_MESSAGES, rawPaho(broker, MQTT_MESSAGES, row));
            report("outbox drain to broker (PUBACK then delete)", SyncMode.FULL, MQTT_MESSAGES, outboxToBroker(work, broker, MQTT_MESSAGES, sample));
        }
    }

    private static void runAll(Path work, SyncMode mode, KuraPayload sample, byte[] row, int divisor) throws Exception {
        int single = SINGLE / divisor;
        int bulk = BULK / divisor;
        report("baseline sqlite insert, 1 row/tx", mode, single, baselineInsert(work, mode, single, 1, row));
        report("outbox enqueue, 1 msg/tx", mode, single, outboxSingle(work, mode, single, sample));
        report("outbox enqueue, " + THREADS + " threads, 1 msg/call (group commit)", mode, THREADS * single / 2,
                outboxConcurrent(work, mode, THREADS * single / 2, sample));
        report("baseline sqlite insert, " + BATCH + " rows/tx", mode, bulk, baselineInsert(work, mode, bulk, BATCH, row));
        report("outbox enqueueAll, " + BATCH + " msgs/tx", mode, bulk, outboxBatch(work, mode, bulk, sample));
        report("outbox enqueueAll into a full outbox (evicting), " + BATCH + "/tx", mode, bulk, outboxEvicting(work, mode, bulk, sample));
        report("baseline sqlite select+delete, 500/tx", mode, bulk, baselineDrain(work, mode, bulk, row));
        report("outbox peek(500)+acknowledge", mode, bulk, outboxDrain(work, mode, bulk, sample));
    }

    private static void report(String what, SyncMode mode, int n, long nanos) {
        if (quiet) {
            return;
        }
        System.out.printf(Locale.ROOT, "%-60s %-6s %8d msgs %9.0f msg/s%n", what, mode, n, n / (nanos / 1e9));
    }

    private static Path fresh(Path work, String name) throws Exception {
        Path db = work.resolve(name + ".db");
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(Path.of(db + suffix));
        }
        return db;
    }

    private static Connection open(Path db, SyncMode mode) throws Exception {
        SQLiteConfig c = new SQLiteConfig();
        c.setJournalMode(SQLiteConfig.JournalMode.WAL);
        c.setSynchronous(mode == SyncMode.FULL ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        Connection conn = JDBC.createConnection(JDBC.PREFIX + db, c.toProperties());
        conn.setAutoCommit(false);
        try (Statement s = conn.createStatement()) {
            s.executeUpdate("CREATE TABLE message (seq INTEGER PRIMARY KEY AUTOINCREMENT, priority INTEGER NOT NULL, "
                    + "created_at INTEGER NOT NULL, topic TEXT NOT NULL, payload BLOB NOT NULL)");
            s.executeUpdate("CREATE INDEX message_drain ON message (priority, seq)");
        }
        conn.commit();
        return conn;
    }

    private static long baselineInsert(Path work, SyncMode mode, int n, int perTx, byte[] row) throws Exception {
        try (Connection c = open(fresh(work, "baseline"), mode);
             PreparedStatement ps = c.prepareStatement("INSERT INTO message (priority, created_at, topic, payload) VALUES (?, ?, ?, ?)")) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                ps.setInt(1, i % 10);
                ps.setLong(2, System.currentTimeMillis());
                ps.setString(3, TOPIC);
                ps.setBytes(4, row);
                ps.addBatch();
                if ((i + 1) % perTx == 0 || i == n - 1) {
                    ps.executeBatch();
                    c.commit();
                }
            }
            return System.nanoTime() - t0;
        }
    }

    private static long baselineDrain(Path work, SyncMode mode, int n, byte[] row) throws Exception {
        Path db = fresh(work, "baseline-drain");
        try (Connection c = open(db, mode)) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO message (priority, created_at, topic, payload) VALUES (?, ?, ?, ?)")) {
                for (int i = 0; i < n; i++) {
                    ps.setInt(1, i % 10);
                    ps.setLong(2, i);
                    ps.setString(3, TOPIC);
                    ps.setBytes(4, row);
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            }
            long t0 = System.nanoTime();
            try (PreparedStatement sel = c.prepareStatement("SELECT seq, topic, priority, created_at, payload FROM message ORDER BY priority, seq LIMIT 500");
                 PreparedStatement del = c.prepareStatement("DELETE FROM message WHERE seq = ?")) {
                while (true) {
                    List<Long> seqs = new ArrayList<>();
                    try (ResultSet rs = sel.executeQuery()) {
                        while (rs.next()) {
                            seqs.add(rs.getLong(1));
                            rs.getBytes(5);
                        }
                    }
                    if (seqs.isEmpty()) {
                        break;
                    }
                    for (long s : seqs) {
                        del.setLong(1, s);
                        del.addBatch();
                    }
                    del.executeBatch();
                    c.commit();
                }
            }
            return System.nanoTime() - t0;
        }
    }

    private static DurableOutbox outbox(Path work, String name, SyncMode mode) throws Exception {
        return new DurableOutbox(new OutboxSettings(fresh(work, name), 10_000_000, mode, Duration.ofMinutes(10)));
    }

    private static long outboxSingle(Path work, SyncMode mode, int n, KuraPayload p) throws Exception {
        try (DurableOutbox o = outbox(work, "single", mode)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                o.enqueue(TOPIC, p, i % 10);
            }
            return System.nanoTime() - t0;
        }
    }

    private static long outboxConcurrent(Path work, SyncMode mode, int n, KuraPayload p) throws Exception {
        try (DurableOutbox o = outbox(work, "concurrent", mode)) {
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            long t0 = System.nanoTime();
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < n / THREADS; i++) {
                        o.enqueue(TOPIC, p, Priority.HEALTH);
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            long took = System.nanoTime() - t0;
            pool.shutdown();
            return took;
        }
    }

    private static List<OutgoingMessage> batch(KuraPayload p, int size) {
        List<OutgoingMessage> b = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            b.add(new OutgoingMessage(TOPIC, p, i % 10));
        }
        return b;
    }

    private static long outboxBatch(Path work, SyncMode mode, int n, KuraPayload p) throws Exception {
        try (DurableOutbox o = outbox(work, "batch", mode)) {
            List<OutgoingMessage> b = batch(p, BATCH);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i += BATCH) {
                o.enqueueAll(b);
            }
            return System.nanoTime() - t0;
        }
    }

    /** Capacity 10,000 filled with priority 9; every batch of priority 5 then evicts as many. */
    private static long outboxEvicting(Path work, SyncMode mode, int n, KuraPayload p) throws Exception {
        int capacity = 10_000;
        try (DurableOutbox o = new DurableOutbox(new OutboxSettings(fresh(work, "evict"), capacity, mode, Duration.ofMinutes(10)))) {
            List<OutgoingMessage> fill = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                fill.add(new OutgoingMessage(TOPIC, p, Priority.LOWEST));
            }
            for (int i = 0; i < capacity; i += BATCH) {
                o.enqueueAll(fill);
            }
            List<OutgoingMessage> b = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                b.add(new OutgoingMessage(TOPIC, p, Priority.HEALTH));
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i += BATCH) {
                o.enqueueAll(b);
            }
            long took = System.nanoTime() - t0;
            if (o.stats().evicted() != n || o.depth() != capacity) {
                throw new IllegalStateException("unexpected outbox state " + o.stats());
            }
            return took;
        }
    }

    private static long outboxDrain(Path work, SyncMode mode, int n, KuraPayload p) throws Exception {
        try (DurableOutbox o = outbox(work, "drain", mode)) {
            List<OutgoingMessage> b = batch(p, BATCH);
            for (int i = 0; i < n; i += BATCH) {
                o.enqueueAll(b);
            }
            long t0 = System.nanoTime();
            while (true) {
                List<StoredMessage> got = o.peek(500);
                if (got.isEmpty()) {
                    break;
                }
                o.acknowledge(got.stream().map(StoredMessage::seq).toList());
            }
            return System.nanoTime() - t0;
        }
    }

    private static long rawPaho(String broker, int n, byte[] row) throws Exception {
        MqttAsyncClient c = new MqttAsyncClient(broker, "bench-raw", new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMaxInflight(MqttSettings.DEFAULT_MAX_INFLIGHT);
        c.connect(o).waitForCompletion();
        Semaphore window = new Semaphore(MqttSettings.DEFAULT_MAX_INFLIGHT);
        IMqttActionListener release = new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                window.release();
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
                window.release();
            }
        };
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            window.acquire();
            MqttMessage m = new MqttMessage(row);
            m.setQos(1);
            c.publish(TOPIC, m, null, release);
        }
        window.acquire(MqttSettings.DEFAULT_MAX_INFLIGHT);
        long took = System.nanoTime() - t0;
        c.disconnect().waitForCompletion();
        c.close();
        return took;
    }

    private static long outboxToBroker(Path work, String broker, int n, KuraPayload p) throws Exception {
        try (DurableOutbox o = outbox(work, "mqtt", SyncMode.FULL)) {
            List<OutgoingMessage> b = batch(p, BATCH);
            for (int i = 0; i < n; i += BATCH) {
                o.enqueueAll(b);
            }
            BoxIdentity id = new BoxIdentity(UnitCode.parse("130602-999"), "BENCH", "bench");
            MqttSettings s = new MqttSettings(broker, "hebei", null, null, Duration.ofMillis(200), Duration.ofSeconds(1),
                    MqttSettings.DEFAULT_MAX_INFLIGHT, Duration.ofSeconds(30), null);
            long t0 = System.nanoTime();
            MqttTelemetryPublisher pub = new MqttTelemetryPublisher(s, id, o, new LifecyclePayloads(id, "none", 60));
            pub.start();
            while (o.depth() > 0) {
                Thread.sleep(5);
            }
            long took = System.nanoTime() - t0;
            pub.close();
            return took;
        }
    }
}
