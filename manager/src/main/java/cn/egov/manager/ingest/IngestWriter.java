package cn.egov.manager.ingest;

import cn.egov.api.text.LogSafe;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single database writer: takes batches from the {@link IngestQueue}, decodes (on a thread of
 * its own, the next batch while this one is stored), keeps out
 * units that are no boxes of this manager ({@link UnitFilter}: kept as malformed input
 * {@code unknown-unit}), stores in one transaction, then acknowledges every message of the batch
 * to the broker (so a crash before the commit means redelivery, not loss), then hands the stored
 * messages to the listeners ({@link ListenerFeed}, which tells them on its own thread, in order).
 *
 * <p>A failed batch is retried whole a few times; after that each message is stored alone, and a
 * message the store refuses on its own is kept as malformed input ({@code store-error}) so that
 * the rest flows. If even that fails the store is down: the writer waits and retries, acknowledging
 * nothing meanwhile (the broker keeps the messages).
 */
public final class IngestWriter implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestWriter.class);
    private static final int WHOLE_BATCH_TRIES = 3;
    private static final long RETRY_PAUSE_MS = 500;
    private static final long POLL_MS = 200;

    private final IngestQueue queue;
    private final MessageDecoder decoder;
    private final UnitFilter units;
    private final BatchStore store;
    private final Acknowledger acknowledger;
    private final ListenerFeed listeners;
    private final IngestMetrics metrics;
    private final int batchSize;
    private volatile boolean running = true;

    public IngestWriter(IngestQueue queue, MessageDecoder decoder, UnitFilter units, BatchStore store, Acknowledger acknowledger,
                        ListenerFeed listeners, IngestMetrics metrics, int batchSize) {
        this.queue = queue;
        this.decoder = decoder;
        this.units = units;
        this.store = store;
        this.acknowledger = acknowledger;
        this.listeners = listeners;
        this.metrics = metrics;
        this.batchSize = batchSize;
    }

    public void stop() {
        running = false;
    }

    /** A batch as taken from the queue, and decoded. */
    private record Decoded(List<InboundMessage> raw, List<IngestRecord> records) {
    }

    /**
     * Two stages, batches in the order taken: a decoder thread ({@code ingest-decoder}) takes and
     * decodes the next batch while this thread stores, acknowledges and announces the one before (the
     * store waits for the database, the decoding needs none: in the storm's drain this thread was
     * the limit). At most one decoded batch waits between them.
     */
    @Override
    public void run() {
        BlockingQueue<Decoded> decoded = new ArrayBlockingQueue<>(1);
        Thread decoder = new Thread(() -> {
            try {
                while (running) {
                    List<InboundMessage> raw = queue.take(batchSize, POLL_MS);
                    if (!raw.isEmpty()) {
                        decoded.put(new Decoded(raw, decode(raw)));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, Thread.currentThread().getName() + "-decoder");
        decoder.start();
        try {
            while (running) {
                Decoded next = decoded.poll(POLL_MS, TimeUnit.MILLISECONDS);
                if (next != null) {
                    store(next.raw(), next.records());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            decoder.interrupt(); // what it holds is not acknowledged: the broker delivers it again
        }
    }

    /** Decodes, stores, acknowledges and announces one batch; visible for benchmarks. */
    public void processBatch(List<InboundMessage> raw) throws InterruptedException {
        store(raw, decode(raw));
    }

    /** Decodes a batch; units that are no boxes of this manager become malformed input. */
    private List<IngestRecord> decode(List<InboundMessage> raw) {
        List<IngestRecord> records = new ArrayList<>(raw.size());
        for (InboundMessage m : raw) {
            IngestRecord r = decoder.decode(m);
            if (r instanceof IngestRecord.Decoded d) {
                java.util.Optional<String> refused = units.refusal(d.unit());
                if (refused.isPresent()) {
                    r = new IngestRecord.Malformed(MalformedReason.UNKNOWN_UNIT, refused.get(), m);
                }
            }
            if (r instanceof IngestRecord.Malformed bad) {
                metrics.malformed(bad.reason());
                LOG.warn("malformed message on topic '{}' ({} bytes): {}: {}", LogSafe.of(m.topic()),
                        m.payload() == null ? 0 : m.payload().length, bad.reason().label, LogSafe.of(bad.detail()));
            }
            records.add(r);
        }
        return records;
    }

    /** Stores, acknowledges and announces a decoded batch. */
    private void store(List<InboundMessage> raw, List<IngestRecord> records) throws InterruptedException {
        List<IngestRecord.Decoded> stored = storeWithRetries(records);
        if (stored == null) {
            return; // stopping while the store was down: nothing acknowledged, the broker redelivers
        }
        acknowledger.ackAll(raw);
        metrics.batches.increment();
        metrics.stored.add(stored.size());
        long decoded = records.stream().filter(r -> r instanceof IngestRecord.Decoded).count();
        metrics.duplicates.add(decoded - stored.size());
        listeners.tell(stored);
    }

    private List<IngestRecord.Decoded> storeWithRetries(List<IngestRecord> records) throws InterruptedException {
        while (true) {
            for (int i = 0; i < WHOLE_BATCH_TRIES; i++) {
                try {
                    return store.store(records);
                } catch (SQLException e) {
                    metrics.storeRetries.increment();
                    LOG.warn("storing a batch of {} failed (try {} of {}): {}", records.size(), i + 1, WHOLE_BATCH_TRIES, e.toString());
                    Thread.sleep(RETRY_PAUSE_MS);
                }
            }
            List<IngestRecord.Decoded> stored = storeOneByOne(records);
            if (stored != null) {
                return stored;
            }
            if (!running) {
                return null;
            }
            Thread.sleep(RETRY_PAUSE_MS * 4);
        }
    }

    /** Null when the store refuses even the evidence of a bad message: it is down. */
    private List<IngestRecord.Decoded> storeOneByOne(List<IngestRecord> records) {
        List<IngestRecord.Decoded> stored = new ArrayList<>();
        for (IngestRecord r : records) {
            try {
                stored.addAll(store.store(List.of(r)));
            } catch (SQLException e) {
                IngestRecord.Malformed evidence = new IngestRecord.Malformed(MalformedReason.STORE_ERROR, e.getMessage(), r.raw());
                try {
                    store.store(List.of(evidence));
                    metrics.malformed(MalformedReason.STORE_ERROR);
                    LOG.warn("message on topic '{}' refused by the store, kept as evidence: {}", LogSafe.of(r.raw().topic()), e.toString());
                } catch (SQLException down) {
                    LOG.error("store is down: {}", down.toString());
                    return null;
                }
            }
        }
        return stored;
    }
}
