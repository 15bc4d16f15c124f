package cn.egov.manager.ingest;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the {@link TelemetryListeners} about stored batches on a thread of its own
 * ({@code ingest-listeners}), so that the writer does not wait for them (in the storm's drain the
 * NOC down-sampler alone was a sixth of the writer's work). Batches are told in the order they
 * were committed, every message of each. The queue is bounded in batches: when it is full the
 * writer waits (counted in {@link IngestMetrics#listenerFullWaits}), so nothing is skipped and
 * the broker keeps what the writer has not taken; its depth has a meter and an alarm
 * ({@code ingest.listeners.backlog}, the ingest part).
 */
public final class ListenerFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ListenerFeed.class);
    private static final long POLL_MS = 200;

    private final BlockingQueue<List<IngestRecord.Decoded>> queue;
    private final int capacity;
    private final TelemetryListeners listeners;
    private final IngestMetrics metrics;
    /** Messages queued or being told. */
    private final AtomicInteger pending = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param capacity most stored batches waiting for the listeners
     * @param name     the thread's name
     */
    public ListenerFeed(TelemetryListeners listeners, int capacity, IngestMetrics metrics, String name) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.capacity = capacity;
        this.listeners = listeners;
        this.metrics = metrics;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a committed batch for the listeners; waits while the queue is full. */
    void tell(List<IngestRecord.Decoded> stored) throws InterruptedException {
        if (stored.isEmpty()) {
            return;
        }
        pending.addAndGet(stored.size());
        if (!queue.offer(stored)) {
            metrics.listenerFullWaits.increment();
            queue.put(stored);
        }
    }

    private void run() {
        try {
            while (running || !queue.isEmpty()) {
                List<IngestRecord.Decoded> batch = queue.poll(POLL_MS, TimeUnit.MILLISECONDS);
                if (batch != null) {
                    listeners.fire(batch);
                    pending.addAndGet(-batch.size());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stored batches waiting for the listeners. */
    public int depth() {
        return queue.size();
    }

    public int capacity() {
        return capacity;
    }

    /** Stored messages the listeners have not been told yet. */
    public int pendingMessages() {
        return pending.get();
    }

    /**
     * Tells what is queued, then stops (after {@code waitMs} at most: a listener that hangs must not
     * hold the manager's shutdown; what it missed is in the store).
     */
    public void close(long waitMs) throws InterruptedException {
        running = false;
        thread.join(waitMs);
        if (thread.isAlive()) {
            LOG.warn("listeners not done after {} ms, {} stored messages not told", waitMs, pending.get());
            thread.interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        close(5000);
    }
}
