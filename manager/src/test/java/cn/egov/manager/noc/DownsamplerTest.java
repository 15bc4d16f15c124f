package cn.egov.manager.noc;

import cn.egov.manager.support.StoreKind;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.ingest.InboundMessage;
import cn.egov.manager.ingest.IngestKind;
import cn.egov.manager.ingest.IngestRecord;
import cn.egov.manager.noc.store.Resolution;
import cn.egov.manager.noc.store.Sample;
import cn.egov.manager.noc.store.SeriesStore;
import cn.egov.manager.store.AlarmStore;
import cn.egov.manager.store.Database;
import cn.egov.manager.support.Poll;
import cn.egov.rules.unit.UnitCode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The series' feeder between ingestion and the store: only the configured health figures are
 * taken, at the box's time (its arrival when the box clock is far ahead), a full queue drops from the
 * graphs only (counted and alarmed, the writer never waits), health stored before a crash but not
 * bucketed is replayed at the next start, and buckets past their retention are deleted.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class DownsamplerTest {

    @Parameter
    StoreKind kind;

    private static final long NOW = 1_772_359_200_000L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static SeriesSettings settings(int queue) {
        return settings(queue, 5000);
    }

    private static SeriesSettings settings(int queue, int replayPage) {
        return new SeriesSettings(true, List.of(BoxMetrics.CPU_LOAD, BoxMetrics.OUTBOX_DEPTH), Duration.ofHours(48), Duration.ofDays(90),
                queue, 100, replayPage, Duration.ofMinutes(5), Duration.ofMinutes(5));
    }

    private static IngestRecord.Decoded health(String unit, Long timestamp, long received, double cpu) {
        KuraPayload.Builder b = KuraPayload.builder().metric(BoxMetrics.CPU_LOAD, cpu).metric(BoxMetrics.HEAP_USED_BYTES, 1L)
                .metric(BoxMetrics.DISPLAY_NAME, "not a number");
        if (timestamp != null) {
            b.timestamp(timestamp);
        }
        KuraTopic topic = KuraTopic.telemetry("hebei", unit, BoxMetrics.HEALTH_APP, BoxMetrics.HEALTH_RESOURCE);
        return new IngestRecord.Decoded(IngestKind.HEALTH, topic, UnitCode.parse(unit), b.build(), new MessageId("e", received),
                new InboundMessage(topic.toString(), new byte[0], 0, 1, received));
    }

    @Test
    void takesTheConfiguredFiguresAtTheBoxsTimeUnlessItsClockIsFarAhead() throws Exception {
        Database db = kind.open(dir);
        Downsampler d = new Downsampler(new SeriesStore(db), db, settings(10), new AlarmStore(db), CLOCK);
        Sample s = d.sample("130602-001", NOW - 3_600_000L, NOW, Map.of("cpu_load", 0.5, "heap_used_bytes", 9L, "outbox_depth", 3L));
        assertEquals(Map.of("cpu_load", 0.5, "outbox_depth", 3.0), s.values(), "only noc.series.metrics");
        assertEquals(NOW - 3_600_000L, s.time(), "a backlog lands where it was measured");
        assertEquals(NOW, d.sample("130602-001", NOW + Downsampler.FUTURE_SLACK_MS + 1, NOW, Map.of("cpu_load", 1.0)).time());
        assertEquals(NOW, d.sample("130602-001", null, NOW, Map.of("cpu_load", 1.0)).time());
        assertNull(d.sample("130602-001", NOW - Duration.ofDays(91).toMillis(), NOW, Map.of("cpu_load", 1.0)),
                "older than the hour buckets keep");
        assertNull(d.sample("130602-001", NOW, NOW, Map.of("cpu_load", "high")), "no figure that is a number");
    }

    @Test
    void aFullQueueDropsFromTheGraphsOnlyCountsAndAlarms() throws Exception {
        Database db = kind.open(dir);
        SeriesStore store = new SeriesStore(db);
        AlarmStore alarms = new AlarmStore(db);
        Downsampler d = new Downsampler(store, db, settings(2), alarms, CLOCK);
        for (int i = 0; i < 5; i++) {
            d.onStored(health("130602-001", NOW - 1000 + i, NOW + 1 + i, 0.1 * i)); // the thread is not running: the queue fills
        }
        assertEquals(2, d.depth());
        assertEquals(3, d.dropped.sum());
        d.start(NOW);
        try {
            Poll.until("the two samples bucketed", 60_000, () -> d.bucketed.sum() == 2);
            Poll.until("the drop alarmed", 60_000, () -> {
                try {
                    return alarms.latest(AlarmStore.MANAGER_CLIENT_ID, 10).stream().anyMatch(a -> a.alarm().kind().equals(Downsampler.DROPPED_ALARM));
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            d.close();
        }
        var alarm = alarms.latest(AlarmStore.MANAGER_CLIENT_ID, 10).get(0).alarm();
        assertEquals("3", alarm.evidence().get("dropped"));
        assertEquals(2, store.read("130602-001", BoxMetrics.CPU_LOAD, Resolution.MINUTE, 0, Long.MAX_VALUE).get(0).count());
    }

    @Test
    void healthStoredButNotBucketedBeforeAStopIsReplayedAtTheNextStart() throws Exception {
        Database db = kind.open(dir);
        SeriesStore store = new SeriesStore(db);
        store.startMark(NOW - 10_000);
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO health_samples (client_id, msg_epoch, msg_seq, ts, received, metrics_json) VALUES (?, 'e', ?, ?, ?, ?)")) {
            long[][] rows = {{NOW - 20_000, 9}, {NOW - 9_000, 2}, {NOW - 8_000, 4}};
            for (int i = 0; i < rows.length; i++) {
                ps.setString(1, "130602-001");
                ps.setLong(2, i);
                ps.setLong(3, rows[i][0] - 100);
                ps.setLong(4, rows[i][0]);
                ps.setString(5, "{\"cpu_load\":" + rows[i][1] + ",\"outbox_depth\":1}");
                ps.executeUpdate();
            }
        }
        Downsampler d = new Downsampler(store, db, settings(10), new AlarmStore(db), CLOCK);
        d.start(NOW);
        d.close();
        var b = store.read("130602-001", BoxMetrics.CPU_LOAD, Resolution.HOUR, 0, Long.MAX_VALUE);
        assertEquals(1, b.size());
        assertEquals(2, b.get(0).count(), "the two samples after the mark; the one before it was bucketed already");
        assertEquals(3.0, b.get(0).avg(), 1e-9);
        assertEquals(NOW - 8_000, store.mark().getAsLong());
    }

    @Test
    void whatTheListenerQueuedWhileTheStartReplayedIsBucketedOnce() throws Exception {
        Database db = kind.open(dir);
        SeriesStore store = new SeriesStore(db);
        store.startMark(NOW - 10_000);
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO health_samples (client_id, msg_epoch, msg_seq, ts, received, metrics_json) VALUES ('130602-001', 'e', ?, ?, ?, ?)")) {
            for (long i = 1; i <= 2; i++) { // stored before the start
                ps.setLong(1, i);
                ps.setLong(2, NOW - 5_000 + i);
                ps.setLong(3, NOW - 5_000 + i);
                ps.setString(4, "{\"cpu_load\":1}");
                ps.executeUpdate();
            }
        }
        Downsampler d = new Downsampler(store, db, settings(10), new AlarmStore(db), CLOCK);
        d.onStored(health("130602-001", NOW - 5_000 + 2, NOW - 5_000 + 2, 1)); // the second also reached the listener
        d.onStored(health("130602-002", NOW - 5_000 + 1, NOW - 5_000 + 2, 1)); // the same millisecond, committed after the read
        d.onStored(health("130602-001", NOW - 4_000, NOW - 4_000, 1));          // stored after the replay read
        d.start(NOW);
        Poll.until("the queue drained", 60_000, () -> d.depth() == 0);
        d.close();
        assertEquals(3, store.read("130602-001", BoxMetrics.CPU_LOAD, Resolution.MINUTE, 0, Long.MAX_VALUE).stream()
                .mapToLong(x -> x.count()).sum(), "three messages, each once");
        assertEquals(1, store.read("130602-002", BoxMetrics.CPU_LOAD, Resolution.MINUTE, 0, Long.MAX_VALUE).size());
        assertEquals(4, d.bucketed.sum());
    }

    @Test
    void aReplayOfManyMessagesOfOneMillisecondMissesNone() throws Exception {
        Database db = kind.open(dir);
        SeriesStore store = new SeriesStore(db);
        store.startMark(NOW - 10_000);
        int n = 12_345; // more than one replay transaction, all arrived in the same millisecond (a busy broker)
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO health_samples (client_id, msg_epoch, msg_seq, ts, received,"
                    + " metrics_json) VALUES ('130602-001', 'e', ?, ?, ?, '{\"cpu_load\":2}')")) {
                for (int i = 0; i < n; i++) {
                    ps.setLong(1, i);
                    ps.setLong(2, NOW - 5_000);
                    ps.setLong(3, NOW - 5_000);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
        Downsampler d = new Downsampler(store, db, settings(10), new AlarmStore(db), CLOCK);
        d.start(NOW);
        d.close();
        assertEquals(n, store.read("130602-001", BoxMetrics.CPU_LOAD, Resolution.HOUR, 0, Long.MAX_VALUE).get(0).count());
    }

    @Test
    void bucketsPastTheirRetentionAreDeleted() throws Exception {
        Database db = kind.open(dir);
        SeriesStore store = new SeriesStore(db);
        Downsampler d = new Downsampler(store, db, settings(10), new AlarmStore(db), CLOCK);
        long old = NOW - Duration.ofHours(50).toMillis();
        store.add(List.of(new Sample("130602-001", old, old, Map.of("cpu_load", 1.0)),
                new Sample("130602-001", NOW - 60_000, NOW, Map.of("cpu_load", 2.0)),
                new Sample("130602-001", NOW - Duration.ofDays(95).toMillis(), NOW, Map.of("cpu_load", 3.0))));
        assertEquals(3, store.read("130602-001", "cpu_load", Resolution.MINUTE, 0, Long.MAX_VALUE).size());
        assertEquals(2 + 1, d.trim(NOW), "the 50-hour-old and the 95-day-old minute buckets, the 95-day-old hour bucket");
        assertEquals(List.of(NOW - 60_000), store.read("130602-001", "cpu_load", Resolution.MINUTE, 0, Long.MAX_VALUE).stream()
                .map(x -> x.start()).toList());
        assertEquals(2, store.read("130602-001", "cpu_load", Resolution.HOUR, 0, Long.MAX_VALUE).size());
        assertTrue(store.read("130602-001", "cpu_load", Resolution.HOUR, 0, NOW - Duration.ofDays(90).toMillis()).isEmpty());
    }

    /** A backlog of 1,000 health messages, seven to an arrival millisecond, over three boxes and two hours. */
    private static void backlog(Database db) throws Exception {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO health_samples (client_id, msg_epoch, msg_seq, ts, received,"
                    + " metrics_json) VALUES (?, 'e', ?, ?, ?, ?)")) {
                for (int i = 0; i < 1000; i++) {
                    long received = NOW - 2 * 3_600_000L + (i / 7) * 50_000L / 7;
                    ps.setString(1, "130602-00" + (1 + i % 3));
                    ps.setLong(2, i);
                    ps.setLong(3, received - 1000);
                    ps.setLong(4, received);
                    // every eleventh carries no configured figure: a page may end on such a message
                    ps.setString(5, i % 11 == 0 ? "{\"heap_used_bytes\":5}" : "{\"cpu_load\":" + (i % 17) + ",\"outbox_depth\":" + i + "}");
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }

    /** Every bucket row and the mark, as text. */
    private static List<String> buckets(Database db, SeriesStore store) throws Exception {
        List<String> rows = new java.util.ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT client_id, metric, resolution_s, bucket, n,"
                + " min_value, max_value, sum_value FROM noc_series ORDER BY client_id, metric, resolution_s, bucket");
             java.sql.ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(rs.getString(1) + ' ' + rs.getString(2) + ' ' + rs.getInt(3) + ' ' + rs.getLong(4) + ' ' + rs.getLong(5)
                        + ' ' + rs.getDouble(6) + ' ' + rs.getDouble(7) + ' ' + rs.getDouble(8));
            }
        }
        rows.add("mark " + store.mark().getAsLong());
        return rows;
    }

    /** Whether another connection holds a transaction open (a read snapshot) on this store. */
    private boolean snapshotHeld(Database db) throws Exception {
        try (Connection c = db.connect(); java.sql.Statement st = c.createStatement()) {
            if (kind == StoreKind.SQLITE) {
                // TRUNCATE waits for readers (the busy timeout) and reports busy = 1 when one still holds a snapshot
                try (java.sql.ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                    rs.next();
                    return rs.getInt(1) != 0 || java.nio.file.Files.size(dir.resolve("paged").resolve("manager.db-wal")) != 0;
                }
            }
            try (java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND pid <> pg_backend_pid() AND xact_start IS NOT NULL")) {
                rs.next();
                return rs.getLong(1) != 0;
            }
        }
    }

    @Test
    void aBacklogReplayedInPagesGivesWhatOneReadGaveAndHoldsNoSnapshotBetweenPages() throws Exception {
        Database one = kind.open(java.nio.file.Files.createDirectory(dir.resolve("one")));
        Database paged = kind.open(java.nio.file.Files.createDirectory(dir.resolve("paged")));
        List<String> expected;
        {
            SeriesStore store = new SeriesStore(one);
            store.startMark(NOW - 3 * 3_600_000L);
            backlog(one);
            Downsampler d = new Downsampler(store, one, settings(10, 1_000_000), new AlarmStore(one), CLOCK);
            List<Long> ends = new java.util.ArrayList<>();
            d.afterPage = ends::add;
            d.start(NOW);
            d.close();
            assertEquals(1, ends.size(), "one page holds the whole backlog");
            expected = buckets(one, store);
        }
        SeriesStore store = new SeriesStore(paged);
        store.startMark(NOW - 3 * 3_600_000L);
        backlog(paged);
        Downsampler d = new Downsampler(store, paged, settings(10, 64), new AlarmStore(paged), CLOCK);
        List<Long> ends = new java.util.ArrayList<>();
        List<Long> marks = new java.util.ArrayList<>();
        List<Boolean> held = new java.util.ArrayList<>();
        d.afterPage = end -> {
            try {
                ends.add(end);
                marks.add(store.mark().getAsLong());
                held.add(snapshotHeld(paged));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        d.start(NOW);
        d.close();
        assertTrue(ends.size() >= 1000 / 64, "pages: " + ends.size());
        assertEquals(ends, marks, "each page moves the mark to its end with its buckets");
        assertTrue(held.stream().noneMatch(h -> h), "a snapshot was held between pages: " + held);
        assertEquals(1000 - 1000 / 11 - 1, d.bucketed.sum(), "every message with a figure, once");
        assertEquals(expected, buckets(paged, store), "the same buckets and mark as one read of the whole backlog");
    }

    @Test
    void aReplayStoppedBetweenPagesResumesWhereItStopped() throws Exception {
        Database one = kind.open(java.nio.file.Files.createDirectory(dir.resolve("one")));
        Database paged = kind.open(java.nio.file.Files.createDirectory(dir.resolve("paged")));
        SeriesStore expectedStore = new SeriesStore(one);
        expectedStore.startMark(NOW - 3 * 3_600_000L);
        backlog(one);
        Downsampler whole = new Downsampler(expectedStore, one, settings(10, 1_000_000), new AlarmStore(one), CLOCK);
        whole.start(NOW);
        whole.close();

        SeriesStore store = new SeriesStore(paged);
        store.startMark(NOW - 3 * 3_600_000L);
        backlog(paged);
        Downsampler first = new Downsampler(store, paged, settings(10, 64), new AlarmStore(paged), CLOCK);
        List<Long> ends = new java.util.ArrayList<>();
        first.afterPage = end -> {
            ends.add(end);
            if (ends.size() == 3) {
                throw new IllegalStateException("stopped (test)"); // as a kill after the third page's commit
            }
        };
        assertEquals("stopped (test)", org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> first.start(NOW))
                .getMessage());
        assertEquals(ends.get(2), store.mark().getAsLong());
        Downsampler second = new Downsampler(store, paged, settings(10, 64), new AlarmStore(paged), CLOCK);
        second.start(NOW);
        second.close();
        assertEquals(buckets(one, expectedStore), buckets(paged, store), "nothing bucketed twice, nothing missed");
    }
}
