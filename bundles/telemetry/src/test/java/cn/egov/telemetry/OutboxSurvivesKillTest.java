package cn.egov.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the broker down, a box process queues 10,000 messages of mixed priorities and is killed
 * with SIGKILL; a new box process starts on the same outbox while the broker is still down; when
 * the broker returns, all 10,000 arrive exactly once, by priority then age.
 */
class OutboxSurvivesKillTest {
    private static final int COUNT = 10_000;
    private static final long DELIVERY_TIMEOUT_MS = 120_000;

    @TempDir
    Path dir;

    @Test
    void backlogSurvivesSigkillAndDrainsExactlyOnceInPriorityOrder() throws Exception {
        int port = MosquittoBroker.freePort();
        String loadFilter = KuraTopic.telemetry("hebei", TestIds.UNIT, SyntheticLoad.APP_ID, "").toString() + "/#";
        // The NOC subscriber's persistent session must exist before the box's messages arrive, so
        // the broker queues them for it; the broker persists the session across its restart.
        try (MosquittoBroker broker = MosquittoBroker.on(dir.resolve("broker"), port, true)) {
            broker.start();
            new RecordingSubscriber(broker.url(), "noc-kill-test", true, loadFilter).close();
            broker.stop();

            Path config = BoxProcess.writeConfig(dir.resolve("box"), TestIds.config(broker.url(), dir.resolve("box/outbox.db"), 3600));
            try (BoxProcess first = BoxProcess.start(config, dir.resolve("box1.out"), "--generate", Integer.toString(COUNT), "--seed", "7")) {
                first.awaitOutput("generated " + COUNT, 60_000);
                first.kill9();
            }
            try (BoxProcess second = BoxProcess.start(config, dir.resolve("box2.out"))) {
                second.awaitOutput("started", 30_000);
                broker.start(); // the broker returns; the box is retrying with backoff
                List<RecordingSubscriber.Received> got;
                List<RecordingSubscriber.Received> extra;
                try (RecordingSubscriber noc = new RecordingSubscriber(broker.url(), "noc-kill-test", true, loadFilter)) {
                    got = noc.collect(r -> true, COUNT, DELIVERY_TIMEOUT_MS);
                    extra = noc.drainFor(1_000);
                }
                assertEquals(COUNT, got.size(), "messages delivered; box output:\n" + second.output());
                assertEquals(List.of(), extra, "nothing beyond the 10,000");

                Set<String> ids = new HashSet<>();
                Set<Integer> indices = new HashSet<>();
                Set<String> epochs = new HashSet<>();
                for (RecordingSubscriber.Received r : got) {
                    String epoch = r.payload().stringMetric(MessageId.EPOCH_METRIC);
                    long seq = r.payload().longMetric(MessageId.SEQUENCE_METRIC);
                    ids.add(epoch + ":" + seq);
                    epochs.add(epoch);
                    indices.add((Integer) r.payload().metric(SyntheticLoad.INDEX_METRIC));
                }
                assertEquals(COUNT, ids.size(), "each message exactly once");
                assertEquals(1, epochs.size(), "one outbox database, before and after the kill");
                assertEquals(COUNT, indices.size());
                assertEquals(0, (int) indices.stream().min(Integer::compare).orElseThrow());
                assertEquals(COUNT - 1, (int) indices.stream().max(Integer::compare).orElseThrow());
                assertPriorityThenAgeOrder(got);
            }
        }
    }

    /** Priorities come from {@link SyntheticLoad}'s reproducible sequence, indexed by the message's index. */
    private static void assertPriorityThenAgeOrder(List<RecordingSubscriber.Received> got) {
        int[] priorityOfIndex = SyntheticLoadPriorities.of(COUNT, 7);
        int lastPriority = -1;
        long lastSeq = -1;
        Set<Integer> seen = new HashSet<>();
        for (RecordingSubscriber.Received r : got) {
            int index = (Integer) r.payload().metric(SyntheticLoad.INDEX_METRIC);
            int priority = priorityOfIndex[index];
            long seq = r.payload().longMetric(MessageId.SEQUENCE_METRIC);
            seen.add(priority);
            if (priority == lastPriority) {
                assertTrue(seq > lastSeq, "within priority " + priority + ", seq " + seq + " came after " + lastSeq);
            } else {
                assertTrue(priority > lastPriority, "priority " + priority + " came after " + lastPriority);
            }
            lastPriority = priority;
            lastSeq = seq;
        }
        assertEquals(10, seen.size(), "all ten priorities were exercised");
    }

    /** Recomputes the priorities that {@link SyntheticLoad} drew, to check the received order independently. */
    static final class SyntheticLoadPriorities {
        static int[] of(int count, long seed) {
            java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
            int[] p = new int[count];
            for (int i = 0; i < count; i++) {
                p[i] = random.nextInt(cn.egov.api.telemetry.Priority.LOWEST + 1);
            }
            return p;
        }
    }
}
