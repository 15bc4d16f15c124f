package cn.egov.telemetry.mqtt;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads one Paho client runs on, so that its owner can end them and wait until they have.
 * Paho hands a connect and a disconnect to {@link #execute} (its receiver, sender and callback go
 * to {@code submit}, its keep-alive to {@code schedule}); those are counted while they run, because
 * Paho 1.2.5 must not be stopped while a connect starts its threads ({@link #awaitStarts}).
 */
final class PahoThreads extends ScheduledThreadPoolExecutor {

    private final Object lock = new Object();
    private int starting;

    /** {@code threads} at most at once, daemons named {@code name} (Paho renames them while it uses them). */
    PahoThreads(int threads, String name) {
        super(threads, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void execute(Runnable task) {
        synchronized (lock) {
            starting++;
        }
        try {
            super.execute(() -> {
                try {
                    task.run();
                } finally {
                    started();
                }
            });
        } catch (RejectedExecutionException e) {
            started();
            throw e;
        }
    }

    private void started() {
        synchronized (lock) {
            starting--;
            lock.notifyAll();
        }
    }

    /**
     * Waits until no connect or disconnect handed to {@link #execute} runs or waits to run: a
     * connect has then sent its CONNECT, with its receiver, sender and callback running.
     *
     * @return false when one still runs after {@code millis}
     */
    boolean awaitStarts(long millis) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (lock) {
            while (starting > 0) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
        return true;
    }
}
