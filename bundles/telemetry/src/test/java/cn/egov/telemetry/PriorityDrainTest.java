package cn.egov.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.telemetry.Priority;
import cn.egov.api.topic.KuraTopic;
import cn.egov.telemetry.identity.IdentitySettings;
import cn.egov.telemetry.outbox.OutgoingMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox drains strictly by priority: an emergency report queued behind a backlog leaves first
 * when the link returns, and one queued while a backlog is being sent overtakes all of it but what
 * is already on the wire (at most {@code max.inflight} messages). The link is a relay the test cuts
 * and throttles; the broker is Mosquitto; the order is the subscriber's arrival order.
 */
class PriorityDrainTest {

    private static final long TIMEOUT_MS = 120_000;
    private static final String LOAD = "LOAD";

    @TempDir
    Path dir;

    private static OutgoingMessage message(String resource, int index, int priority) {
        return new OutgoingMessage(KuraTopic.telemetry("hebei", TestIds.UNIT, LOAD, resource).toString(),
                KuraPayload.builder().metric("index", index).metric("pad", "x".repeat(60)).build(), priority);
    }

    private static int priorityOf(RecordingSubscriber.Received r) {
        return switch (r.topic().substring(r.topic().lastIndexOf('/') + 1)) {
            case "report" -> Priority.CRITICAL;
            case "alarm" -> Priority.ALARM;
            case "state" -> Priority.STATE;
            case "health" -> Priority.HEALTH;
            default -> Priority.BULK;
        };
    }

    @Test
    void aReportQueuedDuringTheOutageLeavesFirstAndTheBacklogFollowsByPriority() throws Exception {
        String filter = KuraTopic.telemetry("hebei", TestIds.UNIT, LOAD, "").toString() + "/#";
        try (MosquittoBroker broker = MosquittoBroker.startNew(dir.resolve("broker"));
             LinkRelay link = new LinkRelay(broker.port(), 0);
             RecordingSubscriber noc = new RecordingSubscriber(broker.url(), "noc-priority", false, filter)) {
            Map<String, String> conf = TestIds.config(link.url(), dir.resolve("outbox.db"), 3600);
            try (TelemetryRuntime box = TelemetryRuntime.start(IdentitySettings.parse(TestIds.values(conf)),
                    TelemetrySettings.parse(TestIds.values(conf)), "none")) {
                waitUntil(box.mqtt()::isConnected, "box connected through the link");
                link.cut();
                waitUntil(() -> !box.mqtt().isConnected(), "the box sees the link down");
                // the backlog of every service, oldest first, then the emergency report
                List<OutgoingMessage> backlog = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    backlog.add(message("bulk", i, Priority.BULK));
                    if (i % 10 == 0) {
                        backlog.add(message("health", i, Priority.HEALTH));
                    }
                    if (i % 50 == 0) {
                        backlog.add(message("state", i, Priority.STATE));
                        backlog.add(message("alarm", i, Priority.ALARM));
                    }
                }
                box.outbox().enqueueAll(backlog);
                box.outbox().enqueue(message("report", 0, Priority.CRITICAL).topic(), message("report", 0, 0).payload(), Priority.CRITICAL);
                int total = backlog.size() + 1;
                link.restore();
                List<RecordingSubscriber.Received> got = noc.collect(r -> true, total, TIMEOUT_MS);
                assertEquals(total, got.size(), "everything arrived");
                assertEquals("report", got.get(0).topic().substring(got.get(0).topic().lastIndexOf('/') + 1),
                        "the emergency report is the first message after the link returns");
                List<RecordingSubscriber.Received> sorted = new ArrayList<>(got);
                sorted.sort(Comparator.comparingInt(PriorityDrainTest::priorityOf)
                        .thenComparingLong(r -> r.payload().longMetric(MessageId.SEQUENCE_METRIC)));
                assertEquals(seqs(sorted), seqs(got), "arrival order is priority, then age, for the whole backlog");
            }
        }
    }

    @Test
    void aReportQueuedDuringADrainOvertakesAllButWhatIsOnTheWire() throws Exception {
        String filter = KuraTopic.telemetry("hebei", TestIds.UNIT, LOAD, "").toString() + "/#";
        int bulk = 3000;
        // ~40 KB/s box-to-broker: the backlog takes several seconds, far longer than one read of the outbox
        try (MosquittoBroker broker = MosquittoBroker.startNew(dir.resolve("broker"));
             LinkRelay link = new LinkRelay(broker.port(), 40_000);
             RecordingSubscriber noc = new RecordingSubscriber(broker.url(), "noc-overtake", false, filter)) {
            Map<String, String> conf = TestIds.config(link.url(), dir.resolve("outbox.db"), 3600);
            try (TelemetryRuntime box = TelemetryRuntime.start(IdentitySettings.parse(TestIds.values(conf)),
                    TelemetrySettings.parse(TestIds.values(conf)), "none")) {
                waitUntil(box.mqtt()::isConnected, "box connected");
                List<OutgoingMessage> backlog = new ArrayList<>();
                for (int i = 0; i < bulk; i++) {
                    backlog.add(message("bulk", i, Priority.BULK));
                }
                box.outbox().enqueueAll(backlog);
                waitUntil(() -> box.outbox().stats().sent() >= 100, "the drain under way");
                box.outbox().enqueue(message("report", 0, 0).topic(), message("report", 0, 0).payload(), Priority.CRITICAL);
                // read after the enqueue: everything published before it is counted (and a few after, which only loosens the bound)
                long publishedWhenQueued = box.mqtt().published();
                assertTrue(publishedWhenQueued < bulk - 1000, "the report was queued while most of the backlog waited: " + publishedWhenQueued);
                List<RecordingSubscriber.Received> got = noc.collect(r -> true, bulk + 1, TIMEOUT_MS);
                assertEquals(bulk + 1, got.size());
                int ahead = 0;
                while (!got.get(ahead).topic().endsWith("/report")) {
                    ahead++;
                }
                // ahead of it: what the box had put on the wire when it was queued (acknowledged or in flight), plus at most the one
                // message the link thread had checked just before the report's commit; nothing it had merely read from the outbox.
                // (The outbox's sent count is no measure: it counts acknowledged messages when they are deleted, in batches.)
                assertTrue(ahead <= publishedWhenQueued + 1, ahead + " bulk messages went before the report; published when it was queued: "
                        + publishedWhenQueued);
            }
        }
    }

    private static List<Long> seqs(List<RecordingSubscriber.Received> l) {
        return l.stream().map(r -> r.payload().longMetric(MessageId.SEQUENCE_METRIC)).toList();
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out: " + what);
            }
            Thread.sleep(5);
        }
    }
}
