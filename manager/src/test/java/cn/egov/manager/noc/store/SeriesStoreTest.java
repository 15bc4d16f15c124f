package cn.egov.manager.noc.store;

import cn.egov.manager.support.StoreKind;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.store.Database;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The downsampled health series in a real SQLite store: samples fold into 1-minute and 1-hour
 * buckets with the right count, min, mean and max, also across batches; old buckets are trimmed per
 * resolution; a reopened store (a restart) has every bucket and the replay mark.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class SeriesStoreTest {

    @Parameter
    StoreKind kind;

    /** 2026-03-01 10:00:00 UTC: a whole hour. */
    private static final long HOUR = 1_772_359_200_000L;
    private static final long MINUTE = 60_000L;

    @TempDir
    Path dir;

    private String url;

    /** The test's store; a second call opens the same one again, as after a restart. */
    private Database open() throws Exception {
        if (url == null) {
            url = kind.url(dir);
        }
        return kind.openUrl(url);
    }

    private static Sample cpu(String unit, long time, double cpu) {
        return new Sample(unit, time, time + 50, Map.of("cpu_load", cpu));
    }

    @Test
    void samplesFoldIntoMinuteAndHourBucketsWithCountMinMeanAndMax() throws Exception {
        SeriesStore store = new SeriesStore(open());
        // minute 0: 0.2, 0.4, 0.9; minute 1: 0.5; minute 61 (the next hour): 1.0; another box in minute 0: 7
        int rows = store.add(List.of(cpu("130602-001", HOUR + 1_000, 0.2), cpu("130602-001", HOUR + 30_000, 0.4),
                cpu("130602-001", HOUR + 59_999, 0.9), cpu("130602-001", HOUR + MINUTE + 5, 0.5),
                cpu("130602-001", HOUR + 61 * MINUTE, 1.0), cpu("130602-002", HOUR + 10, 7.0)));
        assertEquals(4 + 3, rows, "minute buckets: 3 of one box, 1 of the other; hour buckets: 2 and 1");

        List<Bucket> minutes = store.read("130602-001", "cpu_load", Resolution.MINUTE, HOUR, HOUR + 2 * 3_600_000L);
        assertEquals(List.of(HOUR, HOUR + MINUTE, HOUR + 61 * MINUTE), minutes.stream().map(Bucket::start).toList());
        Bucket first = minutes.get(0);
        assertEquals(3, first.count());
        assertEquals(0.2, first.min(), 1e-9);
        assertEquals(0.5, first.avg(), 1e-9);
        assertEquals(0.9, first.max(), 1e-9);

        List<Bucket> hours = store.read("130602-001", "cpu_load", Resolution.HOUR, HOUR, HOUR + 2 * 3_600_000L);
        assertEquals(2, hours.size());
        assertEquals(4, hours.get(0).count());
        assertEquals(0.2, hours.get(0).min(), 1e-9);
        assertEquals((0.2 + 0.4 + 0.9 + 0.5) / 4, hours.get(0).avg(), 1e-9);
        assertEquals(0.9, hours.get(0).max(), 1e-9);
        assertEquals(1, hours.get(1).count());

        assertEquals(7.0, store.read("130602-002", "cpu_load", Resolution.MINUTE, 0, Long.MAX_VALUE).get(0).avg(), 1e-9,
                "each box has its own buckets");
        assertEquals(List.of(), store.read("130602-001", "heap_used_bytes", Resolution.MINUTE, 0, Long.MAX_VALUE));
    }

    @Test
    void aLaterBatchMergesIntoTheBucketsAlreadyStored() throws Exception {
        SeriesStore store = new SeriesStore(open());
        store.add(List.of(cpu("130602-001", HOUR + 1_000, 0.3), cpu("130602-001", HOUR + 2_000, 0.5)));
        store.add(List.of(cpu("130602-001", HOUR + 3_000, 0.1), cpu("130602-001", HOUR + 4_000, 0.9)));
        Bucket b = store.read("130602-001", "cpu_load", Resolution.MINUTE, HOUR, HOUR + MINUTE).get(0);
        assertEquals(4, b.count());
        assertEquals(0.1, b.min(), 1e-9);
        assertEquals(0.45, b.avg(), 1e-9);
        assertEquals(0.9, b.max(), 1e-9);
    }

    @Test
    void notANumberIsLeftOutOfTheBuckets() throws Exception {
        SeriesStore store = new SeriesStore(open());
        store.add(List.of(cpu("130602-001", HOUR, Double.NaN), cpu("130602-001", HOUR + 1, 0.4),
                cpu("130602-001", HOUR + 2, Double.POSITIVE_INFINITY)));
        Bucket b = store.read("130602-001", "cpu_load", Resolution.MINUTE, HOUR, HOUR + MINUTE).get(0);
        assertEquals(1, b.count());
        assertEquals(0.4, b.avg(), 1e-9);
    }

    @Test
    void trimmingDeletesOneResolutionsOldBucketsOnly() throws Exception {
        SeriesStore store = new SeriesStore(open());
        List<Sample> samples = new ArrayList<>();
        for (int m = 0; m < 180; m++) { // three hours, one sample a minute
            samples.add(cpu("130602-001", HOUR + m * MINUTE, m));
        }
        store.add(samples);
        assertEquals(180, store.read("130602-001", "cpu_load", Resolution.MINUTE, 0, Long.MAX_VALUE).size());

        int gone = store.trim(Resolution.MINUTE, HOUR + 120 * MINUTE);
        assertEquals(120, gone);
        List<Bucket> minutes = store.read("130602-001", "cpu_load", Resolution.MINUTE, 0, Long.MAX_VALUE);
        assertEquals(60, minutes.size());
        assertEquals(HOUR + 120 * MINUTE, minutes.get(0).start(), "the first bucket kept starts at the cut");
        assertEquals(3, store.read("130602-001", "cpu_load", Resolution.HOUR, 0, Long.MAX_VALUE).size(),
                "the hour buckets have their own retention");

        assertEquals(2, store.trim(Resolution.HOUR, HOUR + 2 * 3_600_000L));
        List<Bucket> hours = store.read("130602-001", "cpu_load", Resolution.HOUR, 0, Long.MAX_VALUE);
        assertEquals(1, hours.size());
        assertEquals(60, hours.get(0).count());
        assertEquals(120, hours.get(0).min(), 1e-9);
        assertEquals(179, hours.get(0).max(), 1e-9);
    }

    @Test
    void aReopenedStoreKeepsItsBucketsAndTheReplayMark() throws Exception {
        SeriesStore store = new SeriesStore(open());
        assertTrue(store.mark().isEmpty());
        store.add(List.of(cpu("130602-001", HOUR, 0.25), cpu("130602-001", HOUR + 61 * MINUTE, 0.75)));
        long mark = store.mark().getAsLong();
        assertEquals(HOUR + 61 * MINUTE + 50, mark, "the newest received time bucketed");

        SeriesStore reopened = new SeriesStore(open()); // a new connection to the same file, as after a restart
        assertEquals(2, reopened.read("130602-001", "cpu_load", Resolution.MINUTE, 0, Long.MAX_VALUE).size());
        assertEquals(0.25, reopened.read("130602-001", "cpu_load", Resolution.HOUR, 0, Long.MAX_VALUE).get(0).avg(), 1e-9);
        assertEquals(mark, reopened.mark().getAsLong());
        reopened.add(List.of(cpu("130602-001", HOUR + 5, 0.75)));
        assertEquals(0.5, reopened.read("130602-001", "cpu_load", Resolution.MINUTE, HOUR, HOUR + MINUTE).get(0).avg(), 1e-9);
        assertEquals(mark, reopened.mark().getAsLong(), "an older sample does not move the mark back");
    }
}
