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

    /**
     * Offers racing the worker's runs (the burst goes on while a run takes its value and works on
     * it) never lose the last value: after every burst the worker's last run had the burst's newest
     * value, and no run has a value older than one run before it. A coalescer that cleared the held
     * value after its run (get, run, set null) instead of taking it (getAndSet) drops the value
     * offered during the run, and this waits in vain for it.
     */
    @Test
    void offersRacingTheRunsNeverLoseTheLastValue() throws Exception {
        ThreadPoolExecutor worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
        try {
            java.util.concurrent.atomic.AtomicInteger last = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean backwards = new java.util.concurrent.atomic.AtomicBoolean();
            Newest<Integer> newest = new Newest<>(worker, v -> {
                if (v <= last.get()) {
                    backwards.set(true);
                }
                work(5_000); // a run that takes a moment, so offers land while it works
                last.set(v);
            });
            java.util.Random random = new java.util.Random(7);
            int value = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (int burst = 0; burst < 2_000; burst++) {
                for (int i = random.nextInt(1, 20); i > 0; i--) {
                    newest.offer(++value);
                    work(random.nextInt(10_000)); // offers spread over the runs: before, during and after each
                }
                while (last.get() != value) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("burst " + burst + ": the newest value " + value + " was never run (last run: " + last.get() + ")");
                    }
                    Thread.onSpinWait();
                }
            }
            assertEquals(false, backwards.get(), "a run had an older value than the run before it");
        } finally {
            worker.shutdownNow();
        }
    }

    /** Busy for about {@code nanos}, without sleeping (the thread stays on its core, as a run that computes). */
    private static void work(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

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
