package cn.egov.manager.ingest;

import cn.egov.manager.ingest.part.IngestPart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.support.Poll;
import cn.egov.manager.support.SimulatedBox;
import cn.egov.rules.plan.Divisions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * 50 boxes publish QoS 1 as fast as the broker acknowledges, while the manager's store is slowed
 * down on purpose (a pause per batch, a small ingest queue): the receiver must wait, the broker
 * must hold the rest. Each box also re-sends some messages with the same message id, as a QoS 1
 * redelivery would. Afterwards every message is in the store exactly once.
 */
final class SlowSubscriberScenario {

    static final int BOXES = 50;
    static final int MESSAGES_PER_BOX = 100;
    static final int RESENT_PER_BOX = 10;
    static final long PAUSE_PER_BATCH_MS = 20;

    private SlowSubscriberScenario() {
    }

    /** The configuration changes that make the subscriber slow: a small queue and small batches. */
    static ManagerConfig slow(ManagerConfig c) {
        return c.with("ingest.queue.capacity", 100).with("ingest.batch.size", 100);
    }

    static ManagerAssembly.Options slowStore() {
        return ManagerAssembly.Options.defaults().withStoreDecorator(real -> batch -> {
            try {
                Thread.sleep(PAUSE_PER_BATCH_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return real.store(batch);
        });
    }

    /** Unit codes of real Baoding districts and counties (the manager admits only units of the province). */
    static List<String> units(int n) {
        List<String> counties = Divisions.hebei().counties("1306").stream().map(Divisions.Division::code).toList();
        List<String> units = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            units.add(String.format("%s-%03d", counties.get(i % counties.size()), 100 + i));
        }
        return units;
    }

    /**
     * @param brokerUrl where the boxes publish
     * @param passwords each box's password at that broker (user name = unit code)
     */
    static void run(ManagerAssembly manager, String brokerUrl, java.util.function.Function<String, String> passwords) throws Exception {
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(BOXES);
        List<Future<?>> done = new ArrayList<>();
        try {
            for (String id : units(BOXES)) {
                String password = passwords.apply(id);
                done.add(pool.submit(() -> {
                    try (SimulatedBox box = new SimulatedBox(brokerUrl, id).withPassword(password).connect()) {
                        box.birth(60); // seq 0
                        for (int n = 0; n < MESSAGES_PER_BOX; n++) {
                            box.health(); // seq 1..MESSAGES_PER_BOX
                        }
                        box.flush();
                        // re-send the first RESENT_PER_BOX health messages with their original ids
                        SimulatedBox again = box;
                        for (int n = 0; n < RESENT_PER_BOX; n++) {
                            again.publish("hebei/" + id + "/HEALTH/status", resend(box.epoch(), n + 1));
                        }
                        box.flush();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(180, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long published = System.nanoTime();
        long expected = (long) BOXES * MESSAGES_PER_BOX;
        Poll.until("all health messages stored", 180_000, () -> count(manager, "SELECT COUNT(*) FROM health_samples") >= expected
                && manager.part(IngestPart.class).metrics().duplicates.sum() >= (long) BOXES * RESENT_PER_BOX);

        System.out.printf("published (all acknowledged by the broker) in %d ms, stored all in %d ms; queue-full waits %d, batches %d%n",
                (published - t0) / 1_000_000, (System.nanoTime() - t0) / 1_000_000, manager.part(IngestPart.class).metrics().queueFullWaits.sum(), manager.part(IngestPart.class).metrics().batches.sum());
        assertEquals(expected, count(manager, "SELECT COUNT(*) FROM health_samples"), "health rows");
        assertEquals(BOXES, count(manager, "SELECT COUNT(*) FROM lifecycle_events WHERE kind = 'BIRTH'"), "BIRTH rows");
        // per box: exactly the sequence numbers 1..N, each once
        try (Connection c = manager.database().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT client_id, COUNT(*), COUNT(DISTINCT msg_seq), MIN(msg_seq), MAX(msg_seq)"
                     + " FROM health_samples GROUP BY client_id")) {
            int boxes = 0;
            while (rs.next()) {
                boxes++;
                String id = rs.getString(1);
                assertEquals(MESSAGES_PER_BOX, rs.getLong(2), id + " rows");
                assertEquals(MESSAGES_PER_BOX, rs.getLong(3), id + " distinct ids");
                assertEquals(1, rs.getLong(4), id + " first seq");
                assertEquals(MESSAGES_PER_BOX, rs.getLong(5), id + " last seq");
            }
            assertEquals(BOXES, boxes, "boxes with health");
        }
        assertEquals((long) BOXES * RESENT_PER_BOX, manager.part(IngestPart.class).metrics().duplicates.sum(), "re-sent messages dropped as duplicates");
        assertEquals(0, manager.part(IngestPart.class).metrics().malformedTotal(), "malformed");
        assertTrue(manager.part(IngestPart.class).metrics().queueFullWaits.sum() > 0,
                "the subscriber must really have been slower than the publishers (the queue filled up)");
        assertEquals(BOXES, manager.fleet().list().size(), "fleet");
    }

    private static byte[] resend(String epoch, long seq) {
        return cn.egov.api.payload.KuraPayloadCodec.encode(cn.egov.api.payload.KuraPayload.builder()
                .timestamp(System.currentTimeMillis())
                .metric(cn.egov.api.telemetry.BoxMetrics.CPU_LOAD, 0.25)
                .metric(cn.egov.api.telemetry.MessageId.EPOCH_METRIC, epoch)
                .metric(cn.egov.api.telemetry.MessageId.SEQUENCE_METRIC, seq)
                .build());
    }

    static long count(ManagerAssembly m, String sql) {
        try (Connection c = m.database().connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
