package cn.egov.manager.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.fleet.BoxStatus;
import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.fleet.PlaceNames;
import cn.egov.manager.store.Database;
import cn.egov.manager.support.StoreKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Several writers (as several manager nodes: each its own store connection and fleet registry)
 * store the same messages at once, every writer all of them, in its own order and batches: each
 * message is stored exactly once, by (client id, epoch, sequence), and exactly one writer reports
 * it as new (so its listeners fire once in the whole system). On PostgreSQL the writers really run
 * side by side, taking turns only on the same box (its transaction lock); SQLite takes them in turn.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class ConcurrentWritersTest {

    private static final MessageDecoder DECODER = new MessageDecoder("hebei", 1 << 20);
    private static final int WRITERS = 6;
    private static final int BOXES = 40;
    private static final int MESSAGES_PER_BOX = 25;

    @Parameter
    StoreKind store;

    @TempDir
    Path dir;

    @Test
    void eachMessageIsStoredOnceAndReportedNewByOneWriter() throws Exception {
        String url = store.url(dir);
        store.openUrl(url); // migrated once, as the first node does
        List<IngestRecord> all = new ArrayList<>();
        for (int b = 0; b < BOXES; b++) {
            String unit = String.format("130602-%03d", b + 1);
            all.add(birth(unit, b));
            for (int m = 1; m < MESSAGES_PER_BOX; m++) {
                all.add(m % 5 == 0 ? alarm(unit, m) : health(unit, m));
            }
        }
        CyclicBarrier start = new CyclicBarrier(WRITERS);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        List<Future<List<IngestRecord.Decoded>>> results = new ArrayList<>();
        try {
            for (int w = 0; w < WRITERS; w++) {
                long seed = w;
                results.add(pool.submit(() -> {
                    Database db = store.openUrl(url);
                    SqlBatchStore writer = new SqlBatchStore(db, new FleetRegistry(PlaceNames.HEBEI, 3, 60));
                    // births first (as boxes send them), then everything else in this writer's own order
                    List<IngestRecord> mine = new ArrayList<>(all.stream().filter(ConcurrentWritersTest::isBirth).toList());
                    List<IngestRecord> rest = new ArrayList<>(all.stream().filter(r -> !isBirth(r)).toList());
                    Collections.shuffle(rest, new Random(seed));
                    mine.addAll(rest);
                    start.await();
                    List<IngestRecord.Decoded> newHere = new ArrayList<>();
                    for (int i = 0; i < mine.size(); i += 50) {
                        newHere.addAll(writer.store(mine.subList(i, Math.min(mine.size(), i + 50))));
                    }
                    return newHere;
                }));
            }
            Set<String> reported = new HashSet<>();
            int reports = 0;
            for (Future<List<IngestRecord.Decoded>> f : results) {
                for (IngestRecord.Decoded d : f.get()) {
                    reports++;
                    reported.add(d.unit() + "/" + d.id().epoch() + "/" + d.id().sequence());
                }
            }
            assertEquals(all.size(), reports, "each message reported new by exactly one writer");
            assertEquals(all.size(), reported.size());
        } finally {
            pool.shutdownNow();
        }
        Database db = store.openUrl(url);
        long rows = count(db, "SELECT COUNT(*) FROM lifecycle_events") + count(db, "SELECT COUNT(*) FROM health_samples")
                + count(db, "SELECT COUNT(*) FROM alarms");
        assertEquals(all.size(), rows, "each message stored once");
        assertEquals(BOXES, count(db, "SELECT COUNT(*) FROM boxes"));
        FleetRegistry fresh = new FleetRegistry(PlaceNames.HEBEI, 3, 60);
        try (Connection c = db.connect()) {
            fresh.load(cn.egov.manager.fleet.BoxStore.loadAll(c, PlaceNames.HEBEI), System.currentTimeMillis());
        }
        assertTrue(fresh.list().stream().allMatch(b -> b.status() == BoxStatus.CONNECTED), "every box stored as connected");
    }

    /**
     * Two writers, round after round released together by a barrier, store batches that overlap by
     * half (writer 1 messages [i, i+100), writer 2 [i+50, i+150)), each batch also carrying one of
     * its messages twice (a redelivery inside one batch): no batch fails, each message is stored once
     * and reported new by one writer once.
     */
    @Test
    void overlappingBatchesStoredAtTheSameMomentAreStoredOnce() throws Exception {
        String url = store.url(dir);
        store.openUrl(url);
        String unit = "130602-001";
        List<IngestRecord> messages = new ArrayList<>();
        messages.add(birth(unit, 0));
        for (int m = 1; m <= 1_050; m++) {
            messages.add(m % 7 == 0 ? alarm(unit, m) : health(unit, m));
        }
        int rounds = (messages.size() - 50 + 99) / 100; // until writer 1 has passed the end
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<IngestRecord.Decoded>>> results = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int offset = w * 50;
                results.add(pool.submit(() -> {
                    SqlBatchStore writer = new SqlBatchStore(store.openUrl(url), new FleetRegistry(PlaceNames.HEBEI, 3, 60));
                    List<IngestRecord.Decoded> newHere = new ArrayList<>();
                    try {
                        for (int r = 0; r < rounds; r++) {
                            int from = Math.min(messages.size(), r * 100 + offset);
                            List<IngestRecord> batch = new ArrayList<>(messages.subList(from, Math.min(messages.size(), from + 100)));
                            if (!batch.isEmpty()) {
                                batch.add(batch.get(batch.size() / 2)); // the same message again in the same batch
                            }
                            together.await();
                            newHere.addAll(writer.store(batch));
                        }
                    } catch (Exception failed) {
                        together.reset(); // the other writer stops waiting for this one and fails too
                        throw failed;
                    }
                    return newHere;
                }));
            }
            List<String> reported = new ArrayList<>();
            for (Future<List<IngestRecord.Decoded>> f : results) {
                f.get().forEach(d -> reported.add(d.id().epoch() + "/" + d.id().sequence()));
            }
            assertEquals(new HashSet<>(reported).size(), reported.size(), "no message reported new twice");
            assertEquals(messages.size(), reported.size(), "every message reported new once");
        } finally {
            pool.shutdownNow();
        }
        Database db = store.openUrl(url);
        assertEquals(messages.size(), count(db, "SELECT COUNT(*) FROM lifecycle_events") + count(db, "SELECT COUNT(*) FROM health_samples")
                + count(db, "SELECT COUNT(*) FROM alarms"), "each message stored once");
        assertEquals(messages.size(), count(db, "SELECT (SELECT COUNT(DISTINCT msg_seq) FROM health_samples)"
                + " + (SELECT COUNT(DISTINCT msg_seq) FROM alarms) + (SELECT COUNT(DISTINCT msg_seq) FROM lifecycle_events)"));
    }

    private static boolean isBirth(IngestRecord r) {
        return r.raw().topic().endsWith("/MQTT/BIRTH");
    }

    private static IngestRecord birth(String unit, int b) {
        return decode(KuraTopic.birth("hebei", unit).toString(), KuraPayload.builder().timestamp(1_000 + b)
                .metric(BoxMetrics.UNIT_CODE, unit).metric(BoxMetrics.HEALTH_INTERVAL_S, 60), 0, 1_000 + b);
    }

    private static IngestRecord health(String unit, int m) {
        return decode(KuraTopic.telemetry("hebei", unit, BoxMetrics.HEALTH_APP, BoxMetrics.HEALTH_RESOURCE).toString(),
                KuraPayload.builder().timestamp(2_000 + m).metric(BoxMetrics.CPU_LOAD, 0.25), m, 2_000 + m);
    }

    private static IngestRecord alarm(String unit, int m) {
        return decode(KuraTopic.telemetry("hebei", unit, cn.egov.api.telemetry.Alarm.APP_ID, "isolation.drift").toString(), KuraPayload.builder()
                .timestamp(2_000 + m).metric("severity", "MAJOR").metric("message", "drift " + m), m, 2_000 + m);
    }

    private static IngestRecord decode(String topic, KuraPayload.Builder payload, long seq, long at) {
        byte[] bytes = KuraPayloadCodec.encode(payload.metric(MessageId.EPOCH_METRIC, "e1").metric(MessageId.SEQUENCE_METRIC, seq).build());
        return DECODER.decode(new InboundMessage(topic, bytes, 1, 1, at));
    }

    private static long count(Database db, String query) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
