package cn.egov.telemetry.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.telemetry.Priority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableOutboxTest {
    private static final String TOPIC = "hebei/130602-001/TEST/x";

    @TempDir
    Path dir;

    private static KuraPayload payload(int n) {
        return KuraPayload.builder().timestamp(1_000L + n).metric("n", n).build();
    }

    private static int n(StoredMessage m) throws Exception {
        return (Integer) KuraPayloadCodec.decode(m.payload()).metric("n");
    }

    @Test
    void drainsByPriorityThenAgeAndCarriesMessageIds() throws Exception {
        try (DurableOutbox outbox = new DurableOutbox(OutboxSettings.of(dir.resolve("o.db"), 100))) {
            int[] priorities = {5, 1, 5, 0, 9, 1};
            List<MessageId> ids = new ArrayList<>();
            for (int i = 0; i < priorities.length; i++) {
                ids.add(outbox.enqueue(TOPIC, payload(i), priorities[i]));
            }
            List<StoredMessage> out = outbox.peek(100);
            List<Integer> order = new ArrayList<>();
            for (StoredMessage m : out) {
                order.add(n(m));
            }
            assertEquals(List.of(3, 1, 5, 0, 2, 4), order);
            StoredMessage first = out.get(0);
            KuraPayload decoded = KuraPayloadCodec.decode(first.payload());
            assertEquals(outbox.epoch(), decoded.stringMetric(MessageId.EPOCH_METRIC));
            assertEquals(ids.get(3).sequence(), decoded.longMetric(MessageId.SEQUENCE_METRIC));
            assertEquals(1_003L, decoded.timestamp());
            assertEquals(6, ids.stream().map(MessageId::sequence).distinct().count());
        }
    }

    @Test
    void peekLeavesOutWhatIsOnTheWireAndStopsAtAByteBudget() throws Exception {
        try (DurableOutbox outbox = new DurableOutbox(OutboxSettings.of(dir.resolve("o.db"), 100))) {
            List<Long> seqs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                byte[] big = new byte[100_000];
                outbox.enqueue(TOPIC, KuraPayload.builder().timestamp(1).metric("n", i).body(big).build(), Priority.STATE);
            }
            outbox.peek(100).forEach(m -> seqs.add(m.seq()));
            // two on the wire are left out; 250 kB of payload allow two more (and never fewer than one)
            List<StoredMessage> next = outbox.peek(100, 250_000, Set.of(seqs.get(0), seqs.get(1)));
            assertEquals(List.of(seqs.get(2), seqs.get(3)), next.stream().map(StoredMessage::seq).toList());
            assertEquals(List.of(seqs.get(2)), outbox.peek(100, 10, Set.of(seqs.get(0), seqs.get(1))).stream().map(StoredMessage::seq).toList());
            assertEquals(List.of(seqs.get(4), seqs.get(5)), outbox.peek(2, Long.MAX_VALUE, Set.copyOf(seqs.subList(0, 4)))
                    .stream().map(StoredMessage::seq).toList());
        }
    }

    @Test
    void keepsMessagesUntilAcknowledgedAndAcrossReopen() throws Exception {
        Path db = dir.resolve("o.db");
        String epoch;
        try (DurableOutbox outbox = new DurableOutbox(OutboxSettings.of(db, 100))) {
            epoch = outbox.epoch();
            for (int i = 0; i < 10; i++) {
                outbox.enqueue(TOPIC, payload(i), Priority.STATE);
            }
            List<StoredMessage> batch = outbox.peek(4);
            outbox.acknowledge(batch.stream().map(StoredMessage::seq).toList());
            assertEquals(new OutboxStats(6, 100, 0, 4), outbox.stats());
        }
        try (DurableOutbox reopened = new DurableOutbox(OutboxSettings.of(db, 100))) {
            assertEquals(epoch, reopened.epoch());
            assertEquals(new OutboxStats(6, 100, 0, 4), reopened.stats());
            List<StoredMessage> rest = reopened.peek(100);
            assertEquals(List.of(4, 5, 6, 7, 8, 9), rest.stream().map(m -> {
                try {
                    return n(m);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }).toList());
            reopened.acknowledge(rest.stream().map(StoredMessage::seq).toList());
            assertEquals(0, reopened.depth());
        }
        try (DurableOutbox again = new DurableOutbox(OutboxSettings.of(db, 100))) {
            // Sequence numbers are never reused, even after the outbox emptied: ids stay unique.
            assertEquals(11, again.enqueue(TOPIC, payload(99), Priority.STATE).sequence());
            assertEquals(10, again.stats().sent());
        }
    }

    @Test
    void evictsLowestPriorityOldestFirstNeverZeroOrOneAndAlarmsOnce() throws Exception {
        List<Alarm> alarms = new CopyOnWriteArrayList<>();
        OutboxSettings settings = new OutboxSettings(dir.resolve("o.db"), 10, SyncMode.FULL, Duration.ofHours(1));
        try (DurableOutbox outbox = new DurableOutbox(settings)) {
            outbox.onAlarm(alarms::add);
            // 10 messages fill it: n = priority * 10 + k
            int[][] fill = {{0, 0}, {1, 0}, {9, 0}, {9, 1}, {7, 0}, {7, 1}, {5, 0}, {3, 0}, {0, 1}, {1, 1}};
            for (int[] f : fill) {
                outbox.enqueue(TOPIC, payload(f[0] * 10 + f[1]), f[0]);
            }
            assertEquals(0, outbox.stats().evicted());
            assertTrue(alarms.isEmpty());

            outbox.enqueue(TOPIC, payload(50 + 1), 5); // evicts 90 (priority 9, oldest)
            assertEquals(Set.of(0, 1, 10, 11, 91, 70, 71, 50, 51, 30), contents(outbox));
            assertEquals(1, outbox.stats().evicted());
            assertEquals(1, alarms.size());
            Alarm a = alarms.get(0);
            assertEquals(DurableOutbox.EVICTION_ALARM, a.kind());
            assertEquals("1", a.evidence().get("evicted_total"));

            outbox.enqueueAll(List.of(new OutgoingMessage(TOPIC, payload(12), 1), new OutgoingMessage(TOPIC, payload(2), 0),
                    new OutgoingMessage(TOPIC, payload(13), 1)));   // evicts 91, 70, 71
            assertEquals(Set.of(0, 1, 2, 10, 11, 12, 13, 50, 51, 30), contents(outbox));
            assertEquals(4, outbox.stats().evicted());
            assertEquals(1, alarms.size(), "the alarm is rate-limited, the counter is not");
            assertEquals(10, outbox.depth());
        }
    }

    @Test
    void growsPastCapacityRatherThanLosePriorityZeroOrOne() throws Exception {
        List<Alarm> alarms = new CopyOnWriteArrayList<>();
        OutboxSettings settings = new OutboxSettings(dir.resolve("o.db"), 5, SyncMode.FULL, Duration.ZERO);
        try (DurableOutbox outbox = new DurableOutbox(settings)) {
            outbox.onAlarm(alarms::add);
            for (int i = 0; i < 8; i++) {
                outbox.enqueue(TOPIC, payload(i), i % 2);
            }
            assertEquals(8, outbox.depth());
            assertEquals(0, outbox.stats().evicted());
            assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7), contents(outbox));
            assertTrue(alarms.stream().allMatch(a -> a.kind().equals(DurableOutbox.OVERFLOW_ALARM)));
            assertEquals(3, alarms.size(), "one overflow alarm per enqueue past capacity with interval 0");

            // A lower-priority newcomer is the only evictable message: it goes, and that is counted.
            outbox.enqueue(TOPIC, payload(100), Priority.BULK);
            assertEquals(8, outbox.depth());
            assertEquals(1, outbox.stats().evicted());
            assertTrue(alarms.stream().anyMatch(a -> a.kind().equals(DurableOutbox.EVICTION_ALARM)));
        }
    }

    @Test
    void concurrentPublishersShareCommitsAndGetUniqueIds() throws Exception {
        int threads = 8;
        int each = 300;
        try (DurableOutbox outbox = new DurableOutbox(OutboxSettings.of(dir.resolve("o.db"), 100_000))) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<List<Long>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    List<Long> seqs = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        seqs.add(outbox.enqueue(TOPIC, payload(i), Priority.HEALTH).sequence());
                    }
                    return seqs;
                }));
            }
            Set<Long> all = new HashSet<>();
            for (Future<List<Long>> f : futures) {
                all.addAll(f.get());
            }
            pool.shutdown();
            assertEquals(threads * each, all.size());
            assertEquals(threads * each, outbox.depth());
            assertEquals(all, outbox.peek(100_000).stream().map(StoredMessage::seq).collect(Collectors.toSet()));
        }
    }

    @Test
    void unusableDatabaseFileFailsWithItsPath() throws Exception {
        Path notADir = dir.resolve("file");
        Files.writeString(notADir, "x");
        OutboxException e = assertThrows(OutboxException.class,
                () -> new DurableOutbox(OutboxSettings.of(notADir.resolve("o.db"), 10)));
        assertTrue(e.getMessage().contains(notADir.resolve("o.db").toString()), e.getMessage());
    }

    @Test
    void corruptDatabaseIsRefusedNotOverwritten() throws Exception {
        Path db = dir.resolve("o.db");
        byte[] garbage = "this is not an sqlite database, but someone's data".repeat(100).getBytes();
        Files.write(db, garbage);
        assertThrows(OutboxException.class, () -> new DurableOutbox(OutboxSettings.of(db, 10)));
        assertEquals(new String(garbage), Files.readString(db));
    }

    private static Set<Integer> contents(DurableOutbox outbox) throws Exception {
        Set<Integer> s = new HashSet<>();
        for (StoredMessage m : outbox.peek(1000)) {
            s.add(n(m));
        }
        return s;
    }
}
