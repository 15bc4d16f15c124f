package cn.egov.manager.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.telemetry.MessageId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The listeners are told off the writer's thread, in commit order, every message; a full queue makes the writer wait. */
class ListenerFeedTest {

    private static List<IngestRecord.Decoded> batch(long from, long to) {
        return LongStream.range(from, to)
                .mapToObj(i -> new IngestRecord.Decoded(IngestKind.HEALTH, null, null, null, new MessageId("e", i), null, "{}"))
                .toList();
    }

    @Test
    void fullQueueMakesTheWriterWaitAndEveryMessageIsToldInOrder() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Long> told = new ArrayList<>();
        List<String> threads = new ArrayList<>();
        TelemetryListeners listeners = new TelemetryListeners();
        listeners.add(m -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            told.add(m.id().sequence());
            threads.add(Thread.currentThread().getName());
        });
        IngestMetrics metrics = new IngestMetrics();
        ListenerFeed feed = new ListenerFeed(listeners, 1, metrics, "test-listeners");

        feed.tell(batch(0, 3)); // taken at once; its first message holds the listener
        entered.await();
        feed.tell(batch(3, 5)); // fills the queue (one batch)
        assertEquals(0, metrics.listenerFullWaits.sum());
        Thread writer = new Thread(() -> {
            try {
                feed.tell(batch(5, 9));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        writer.start();
        while (metrics.listenerFullWaits.sum() == 0) {
            Thread.sleep(10);
        }
        assertTrue(writer.isAlive(), "the writer waits while the listeners' queue is full");
        assertEquals(9, feed.pendingMessages());

        release.countDown();
        writer.join();
        feed.close(60_000); // tells what is queued, then stops
        assertEquals(LongStream.range(0, 9).boxed().toList(), told);
        assertEquals(List.of("test-listeners"), threads.stream().distinct().toList());
        assertEquals(0, feed.pendingMessages());
        assertEquals(1, metrics.listenerFullWaits.sum());
    }
}
