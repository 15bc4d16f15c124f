package cn.egov.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import cn.egov.telemetry.identity.IdentitySettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real Mosquitto processes; the box has both in {@code broker.url}. Broker 1 dies in the
 * middle of a drain (frozen with SIGSTOP so that what it acknowledged reaches its subscriber,
 * then SIGKILL: no clean close, sockets reset). The box fails over to broker 2, sends BIRTH there
 * and the rest of the backlog; every message arrives, and only messages that were in flight when
 * broker 1 died arrive twice (at most the window).
 */
class BrokerFailoverTest {
    private static final int COUNT = 6_000;
    private static final int WINDOW = 20;
    private static final long TIMEOUT_MS = 90_000;
    /** The README's promise for a broker that dies with its sockets reset (refused at once): failover well within this. */
    private static final long FAILOVER_BOUND_MS = 10_000;

    @TempDir
    Path dir;

    @Test
    void boxFailsOverToTheSecondBrokerWhenTheFirstIsKilled() throws Exception {
        String loadFilter = KuraTopic.telemetry("hebei", TestIds.UNIT, SyntheticLoad.APP_ID, "").toString() + "/#";
        String birthTopic = KuraTopic.birth("hebei", TestIds.UNIT).toString();
        try (MosquittoBroker first = MosquittoBroker.startNew(dir.resolve("b1"));
             MosquittoBroker second = MosquittoBroker.startNew(dir.resolve("b2"));
             RecordingSubscriber noc1 = new RecordingSubscriber(first.url(), "noc-1", false, loadFilter, birthTopic);
             RecordingSubscriber noc2 = new RecordingSubscriber(second.url(), "noc-2", false, loadFilter, birthTopic)) {
            Map<String, String> conf = new HashMap<>(TestIds.config(first.url() + "," + second.url(), dir.resolve("outbox.db"), 3600));
            conf.put(TelemetrySettings.MAX_INFLIGHT, Integer.toString(WINDOW));
            try (TelemetryRuntime box = TelemetryRuntime.start(
                    IdentitySettings.parse(TestIds.values(conf)), TelemetrySettings.parse(TestIds.values(conf)), "none")) {
                assertEquals(birthTopic, noc1.next(20_000).topic(), "IN_ORDER: the first broker first");
                SyntheticLoad.generate(box.outbox(), "hebei", TestIds.UNIT, COUNT, 5);
                waitUntil(() -> box.outbox().stats().sent() >= COUNT / 5, "a fifth acknowledged by broker 1");

                first.freeze();
                // what broker 1 acknowledged before it froze reaches its subscriber: waited for as such (a quiet
                // second alone ends early on a busy machine), then whatever else it wrote
                List<RecordingSubscriber.Received> viaFirst = noc1.collectUntil(
                        more -> seqs(more).size() >= box.outbox().stats().sent(), TIMEOUT_MS);
                viaFirst.addAll(noc1.drainFor(1_000));
                long ackedByFirst = box.outbox().stats().sent();
                assertTrue(box.outbox().depth() > 0, "broker 1 died with a backlog waiting");
                long killedAt = System.nanoTime();
                first.kill();
                waitUntil(() -> box.mqtt().isConnected() && second.url().equals(box.mqtt().currentBroker()), "connected to broker 2");
                long failoverMs = (System.nanoTime() - killedAt) / 1_000_000;
                System.out.printf("failover: connected to broker 2 %d ms after SIGKILL of broker 1 (%d of %d acknowledged by broker 1)%n",
                        failoverMs, ackedByFirst, COUNT);
                assertTrue(failoverMs < FAILOVER_BOUND_MS, "failover took " + failoverMs + " ms");

                waitUntil(() -> box.outbox().depth() == 0, "backlog drained through broker 2");
                // acknowledged by broker 2 is not yet delivered to its subscriber: wait for every message
                Set<Long> before = seqs(viaFirst);
                List<RecordingSubscriber.Received> viaSecond = noc2.collectUntil(more -> {
                    Set<Long> all = new java.util.HashSet<>(before);
                    all.addAll(seqs(more));
                    return all.size() >= COUNT;
                }, TIMEOUT_MS);
                viaSecond.addAll(noc2.drainFor(1_000));
                assertNotNull(viaSecond.stream().filter(r -> r.topic().equals(birthTopic)).findFirst().orElse(null), "BIRTH on broker 2");

                Set<Long> first1 = seqs(viaFirst);
                Set<Long> second2 = seqs(viaSecond);
                Set<Long> all = new java.util.HashSet<>(first1);
                all.addAll(second2);
                Set<Long> twice = first1.stream().filter(second2::contains).collect(Collectors.toSet());
                System.out.printf("failover: %d via broker 1, %d via broker 2, %d duplicates%n", first1.size(), second2.size(), twice.size());
                assertEquals(COUNT, all.size(), "every message arrived on one broker or the other");
                assertTrue(first1.size() >= ackedByFirst, "what broker 1 acknowledged reached its subscriber");
                assertTrue(twice.size() <= WINDOW,
                        "only messages in flight when broker 1 died are sent again, got " + twice.size() + " duplicates");
                assertEquals(first1.size(), loads(viaFirst), "no message arrived twice through broker 1");
                assertEquals(second2.size(), loads(viaSecond), "no message arrived twice through broker 2");
            }
        }
    }

    private static long loads(List<RecordingSubscriber.Received> got) {
        return got.stream().filter(r -> r.payload().metric(MessageId.SEQUENCE_METRIC) != null).count();
    }

    private static Set<Long> seqs(List<RecordingSubscriber.Received> got) {
        return got.stream().filter(r -> r.payload().metric(MessageId.SEQUENCE_METRIC) != null)
                .map(r -> r.payload().longMetric(MessageId.SEQUENCE_METRIC)).collect(Collectors.toSet());
    }

    static void waitUntil(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out: " + what);
            }
            Thread.sleep(5);
        }
    }
}
