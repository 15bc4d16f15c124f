package cn.egov.isolation.monitor;

import cn.egov.isolation.capture.DecodedPacket;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Hands decoded packets from the thread that reads and decodes a capture to the thread that
 * classifies them, in order, in reused batches: reading and decoding cost about as much as
 * classifying, so on two cores the audit runs both halves at once. The classifier stays
 * single-threaded, so findings, de-duplication and their order are those of a sequential run.
 * The number of batches in flight is fixed: a slow classifier makes the reader wait, never
 * grows memory. One thread produces ({@link #next}, {@link #commit}, {@link #inOrder},
 * {@link #finish}), one consumes ({@link #drain}).
 */
final class PacketPipe {

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
    private volatile Throwable consumerFailure;
    private Batch filling;

    /**
     * @param batches   batches in flight (at least 2)
     * @param batchSize packets per batch
     */
    PacketPipe(int batches, int batchSize) {
        if (batches < 2 || batchSize < 1) {
            throw new IllegalArgumentException("need at least 2 batches of at least 1 packet");
        }
        free = new ArrayBlockingQueue<>(batches);
        full = new ArrayBlockingQueue<>(batches + 1);
        for (int i = 0; i < batches; i++) {
            free.add(new Batch(batchSize));
        }
    }

    /**
     * The packet to decode the next frame into; {@link #commit()} passes it on. This and commit stay within
     * C1's inlining limit (35 bytes of bytecode), the rare cases in methods of their own: they run once a
     * frame on the reading thread, which is the slower half of the pipe.
     */
    DecodedPacket next() {
        Batch b = filling;
        return b != null ? b.packets[b.size] : startBatch();
    }

    /** Passes on the packet {@link #next()} returned. */
    void commit() {
        Batch b = filling;
        if (++b.size == b.packets.length) {
            passOn(b);
        }
    }

    private DecodedPacket startBatch() {
        Batch b = take(free);
        b.size = 0;
        filling = b;
        return b.packets[0];
    }

    private void passOn(Batch b) {
        put(b);
        filling = null;
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

    /** Sends what is left and the end of the stream: {@link #drain} returns once it has consumed them. */
    void finish() {
        if (filling != null && filling.size > 0) {
            put(filling);
        }
        filling = null;
        put(END);
    }

    /**
     * Ends the stream without the packets still being filled (the reader failed): {@link #drain} returns
     * after the batches already passed on. Does not wait for room when the consumer has gone.
     */
    void abort() {
        filling = null;
        if (consumerFailure == null) {
            try {
                full.put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Gives every packet to {@code consumer}, in order, and runs the actions between them, until the
     * producer {@link #finish}es or {@link #abort}s. When the consumer throws, the producer is released
     * (its next call throws) and the exception goes on to the caller.
     */
    void drain(Consumer<DecodedPacket> consumer) throws InterruptedException {
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
        } catch (RuntimeException | Error e) {
            consumerFailure = e;
            // Unblock a reader waiting for a free batch or for room: it sees the failure at its next call.
            full.clear();
            free.clear();
            free.offer(new Batch(1));
            throw e;
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
}
