package cn.egov.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A burst handed to a busy worker waits as one run with the newest value, not one run per value. */
class NewestTest {

    private static final int BURST = 10_000;

    @Test
    void aBurstWhileTheWorkerIsBusyQueuesOneRunWithTheNewestValue() throws Exception {
        LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>(); // unbounded, as the mirror's worker's
        ThreadPoolExecutor worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, queue);
        try {
            CountDownLatch busy = new CountDownLatch(1);
            worker.execute(() -> {
                try {
                    busy.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            List<Integer> seen = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(1);
            Newest<Integer> newest = new Newest<>(worker, v -> {
                seen.add(v);
                if (v == BURST) {
                    done.countDown();
                }
            });
            for (int i = 1; i <= BURST; i++) {
                newest.offer(i);
            }
            assertEquals(1, queue.size(), "one run waits, not " + BURST);
            busy.countDown();
            assertEquals(true, done.await(60, TimeUnit.SECONDS), "the newest value is run");
            assertEquals(List.of(BURST), seen);

            newest.offer(BURST + 1); // after the run: a new one
            worker.shutdown();
            assertEquals(true, worker.awaitTermination(60, TimeUnit.SECONDS));
            assertEquals(List.of(BURST, BURST + 1), seen);
        } finally {
            worker.shutdownNow();
        }
    }
}
