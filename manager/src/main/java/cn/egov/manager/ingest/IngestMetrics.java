package cn.egov.manager.ingest;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Ingest counters, shown at {@code /api/metrics}. Thread-safe. */
public final class IngestMetrics {

    public final LongAdder received = new LongAdder();
    public final LongAdder stored = new LongAdder();
    public final LongAdder duplicates = new LongAdder();
    public final LongAdder batches = new LongAdder();
    public final LongAdder storeRetries = new LongAdder();
    /** Times the receiver had to wait because the queue was full (back-pressure, not loss). */
    public final LongAdder queueFullWaits = new LongAdder();
    /** Times the writer had to wait because the listeners' queue was full ({@link ListenerFeed}). */
    public final LongAdder listenerFullWaits = new LongAdder();
    /** Times the subscriber lost its broker connection (it reconnects; the session keeps the messages). */
    public final LongAdder connectionLosses = new LongAdder();
    private final Map<MalformedReason, LongAdder> malformed = new EnumMap<>(MalformedReason.class);

    public IngestMetrics() {
        for (MalformedReason r : MalformedReason.values()) {
            malformed.put(r, new LongAdder());
        }
    }

    public void malformed(MalformedReason reason) {
        malformed.get(reason).increment();
    }

    public long malformedCount(MalformedReason reason) {
        return malformed.get(reason).sum();
    }

    public long malformedTotal() {
        return malformed.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Malformed counts by reason label, e.g. {@code bad-payload → 3}. */
    public Map<String, Long> malformedByReason() {
        Map<String, Long> m = new LinkedHashMap<>();
        malformed.forEach((r, n) -> m.put(r.label, n.sum()));
        return m;
    }
}
