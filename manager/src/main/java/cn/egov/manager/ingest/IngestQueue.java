package cn.egov.manager.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The bounded queue between the MQTT receiver and the database writer. A full queue makes the
 * receiver wait (and so the broker keep the messages), never drops. Depth and the high-water
 * mark are metrics; {@link cn.egov.manager.store.BacklogAlarm} raises an alarm above a threshold.
 */
public final class IngestQueue {

    private final BlockingQueue<InboundMessage> queue;
    private final int capacity;
    private final IngestMetrics metrics;
    private volatile int highWater;

    public IngestQueue(int capacity, IngestMetrics metrics) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.capacity = capacity;
        this.metrics = metrics;
    }

    /** Waits while the queue is full. */
    public void put(InboundMessage m) throws InterruptedException {
        if (!queue.offer(m)) {
            metrics.queueFullWaits.increment();
            queue.put(m);
        }
        int depth = queue.size();
        if (depth > highWater) {
            highWater = depth;
        }
    }

    /** Up to {@code max} messages, waiting at most {@code waitMs} for the first. */
    public List<InboundMessage> take(int max, long waitMs) throws InterruptedException {
        List<InboundMessage> out = new ArrayList<>(Math.min(max, 1024));
        InboundMessage first = queue.poll(waitMs, TimeUnit.MILLISECONDS);
        if (first == null) {
            return out;
        }
        out.add(first);
        queue.drainTo(out, max - 1);
        return out;
    }

    public int depth() {
        return queue.size();
    }

    public int capacity() {
        return capacity;
    }

    public int highWater() {
        return highWater;
    }
}
