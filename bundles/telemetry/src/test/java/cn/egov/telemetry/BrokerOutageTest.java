package cn.egov.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import cn.egov.telemetry.identity.IdentitySettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away in the middle of a drain and comes back: the box reconnects with backoff,
 * publishes BIRTH again, and every message arrives (at least once; duplicates carry the same id).
 */
class BrokerOutageTest {
    private static final int COUNT = 5_000;
    private static final long TIMEOUT_MS = 90_000;

    @TempDir
    Path dir;

    @Test
    void drainResumesAfterTheBrokerRestarts() throws Exception {
        int port = MosquittoBroker.freePort();
        String loadFilter = KuraTopic.telemetry("hebei", TestIds.UNIT, SyntheticLoad.APP_ID, "").toString() + "/#";
        String birthTopic = KuraTopic.birth("hebei", TestIds.UNIT).toString();
        List<RecordingSubscriber.Received> got = new ArrayList<>();
        try (MosquittoBroker broker = MosquittoBroker.on(dir.resolve("broker"), port, true)) {
            broker.start();
            Map<String, String> conf = TestIds.config(broker.url(), dir.resolve("outbox.db"), 3600);
            RecordingSubscriber before = new RecordingSubscriber(broker.url(), "noc-outage", true, loadFilter, birthTopic);
            try (TelemetryRuntime box = TelemetryRuntime.start(
                    IdentitySettings.parse(TestIds.values(conf)), TelemetrySettings.parse(TestIds.values(conf)), "none")) {
                assertEquals(birthTopic, before.next(20_000).topic());
                SyntheticLoad.generate(box.outbox(), "hebei", TestIds.UNIT, COUNT, 3);
                waitUntil(() -> box.outbox().stats().sent() >= COUNT / 10, "some messages sent before the outage");
                broker.stop();
                long sentAtOutage = box.outbox().stats().sent();
                assertTrue(box.outbox().depth() > 0, "the outage hit while a backlog was waiting");
                got.addAll(before.drainFor(200));
                Thread.sleep(1_000); // the box retries against a closed port
                broker.start();
                try (RecordingSubscriber after = new RecordingSubscriber(broker.url(), "noc-outage", true, loadFilter, birthTopic)) {
                    waitUntil(() -> box.outbox().depth() == 0, "backlog drained after the broker returned");
                    // acknowledged by the broker is not yet delivered to the subscriber: wait for every
                    // message rather than for a quiet second (which a busy machine has mid-delivery too)
                    got.addAll(after.collectUntil(more -> indices(got, more).size() >= COUNT, TIMEOUT_MS));
                    got.addAll(after.drainFor(1_000));
                }
                assertTrue(box.outbox().stats().sent() > sentAtOutage);
            } finally {
                try {
                    before.close();
                } catch (Exception ignored) {
                    // already disconnected by the broker restart
                }
            }
        }
        Set<Long> seqs = new HashSet<>();
        int births = 0;
        for (RecordingSubscriber.Received r : got) {
            if (r.topic().equals(birthTopic)) {
                births++;
                continue;
            }
            seqs.add(r.payload().longMetric(MessageId.SEQUENCE_METRIC));
        }
        assertEquals(COUNT, indices(got, List.of()).size(), "every message arrived");
        assertEquals(COUNT, seqs.size());
        assertTrue(births >= 1, "BIRTH again after reconnecting");
    }

    /** The load's indices among two lists of received messages (BIRTH carries none). */
    private static Set<Integer> indices(List<RecordingSubscriber.Received> a, List<RecordingSubscriber.Received> b) {
        Set<Integer> out = new HashSet<>();
        for (List<RecordingSubscriber.Received> l : List.of(a, b)) {
            for (RecordingSubscriber.Received r : l) {
                if (r.payload().metric(SyntheticLoad.INDEX_METRIC) instanceof Integer i) {
                    out.add(i);
                }
            }
        }
        return out;
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out: " + what);
            }
            Thread.sleep(20);
        }
    }
}
