package cn.egov.isolation.monitor;

import cn.egov.isolation.capture.DecodedPacket;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Hands decoded packets from the thread that reads and decodes a capture to one thread that
 * classifies them, in order, in reused batches: reading and decoding cost about as much as
 * classifying, so on two cores the audit runs both halves at once. The classifier stays
 * single-threaded, so findings, de-duplication and their order are those of a sequential run.
 * The number of batches in flight is fixed: a slow classifier makes the reader wait, never
 * grows memory.
 */
final class PacketPipe implements AutoCloseable {

    /** A run of decoded packets ({@code size} of them valid), or one action to run in order. */
    static final class Batch {
        final DecodedPacket[] packets;
        final Runnable action;
        int size;

        Batch(Runnable action) {
            this.packets = new DecodedPacket[0];
            this.action = action;
        }

        Batch(int capacity) {
            action = null;
            packets = new DecodedPacket[capacity];
            for (int i = 0; i < capacity; i++) {
                packets[i] = new DecodedPacket();
            }
        }
    }

    /** Marks the end of the stream in {@link #full}. */
    private static final Batch END = new Batch(() -> { });

    private final BlockingQueue<Batch> free;
    private final BlockingQueue<Batch> full;
    private final Thread consumerThread;
    private volatile Throwable consumerFailure;
    private Batch filling;

    /**
     * Starts the consuming thread.
     *
     * @param batches   batches in flight (at least 2)
     * @param batchSize packets per batch
     * @param consumer  receives every packet in order, on the consuming thread
     */
    PacketPipe(int batches, int batchSize, String threadName, Consumer<DecodedPacket> consumer) {
        if (batches < 2 || batchSize < 1) {
            throw new IllegalArgumentException("need at least 2 batches of at least 1 packet");
        }
        free = new ArrayBlockingQueue<>(batches);
        full = new ArrayBlockingQueue<>(batches + 1);
        for (int i = 0; i < batches; i++) {
            free.add(new Batch(batchSize));
        }
        consumerThread = new Thread(() -> drain(consumer), threadName);
        consumerThread.setDaemon(true);
        consumerThread.start();
    }

    /** The packet to decode the next frame into; {@link #commit()} passes it on. */
    DecodedPacket next() {
        if (filling == null) {
            filling = take(free);
            filling.size = 0;
        }
        return filling.packets[filling.size];
    }

    /** Passes on the packet {@link #next()} returned. */
    void commit() {
        if (++filling.size == filling.packets.length) {
            put(filling);
            filling = null;
        }
    }

    /**
     * Runs {@code action} on the consuming thread after the packets passed on so far and before
     * the next ones (an interface declared in the middle of a pcapng file).
     */
    void inOrder(Runnable action) {
        if (filling != null && filling.size > 0) {
            put(filling);
            filling = null;
        }
        put(new Batch(action));
    }

    /**
     * Sends what is left, waits until every packet is classified and rethrows what the
     * consumer threw.
     */
    void finish() {
        if (filling != null && filling.size > 0) {
            put(filling);
        }
        filling = null;
        put(END);
        join();
        Throwable failure = consumerFailure;
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }

    /** Stops the consumer without waiting for the packets still queued (the reader failed). */
    @Override
    public void close() {
        if (consumerThread.isAlive()) {
            consumerThread.interrupt();
            join();
        }
    }

    private void drain(Consumer<DecodedPacket> consumer) {
        try {
            while (true) {
                Batch b = full.take();
                if (b == END) {
                    return;
                }
                if (b.action != null) {
                    b.action.run();
                    continue;
                }
                for (int i = 0; i < b.size; i++) {
                    consumer.accept(b.packets[i]);
                }
                free.put(b);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            consumerFailure = e;
            // Unblock a reader waiting for a free batch: it sees the failure at the next put.
            full.clear();
            free.clear();
            free.offer(new Batch(1));
        }
    }

    private Batch take(BlockingQueue<Batch> queue) {
        try {
            Batch b = queue.take();
            failIfConsumerFailed();
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the capture", e);
        }
    }

    private void put(Batch b) {
        failIfConsumerFailed();
        try {
            full.put(b);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the capture", e);
        }
    }

    private void failIfConsumerFailed() {
        Throwable failure = consumerFailure;
        if (failure != null) {
            throw new IllegalStateException("classifying the capture failed: " + failure, failure);
        }
    }

    private void join() {
        try {
            consumerThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the classifier", e);
        }
    }
}
