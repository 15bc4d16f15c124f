package cn.egov.manager.ingest;

import cn.egov.api.topic.KuraTopic;

/**
 * Where a message from the broker goes: to the part that receives its application itself
 * ({@link TelemetryListeners#receive}; it acknowledges after its own commit), else into the
 * {@link IngestQueue}, waiting while that is full.
 */
final class Arrivals {

    private final IngestQueue queue;
    private final IngestMetrics metrics;
    private final TelemetryListeners parts;

    Arrivals(IngestQueue queue, IngestMetrics metrics, TelemetryListeners parts) {
        this.queue = queue;
        this.metrics = metrics;
        this.parts = parts;
    }

    /** @param session acknowledges the message once stored */
    void arrived(InboundMessage m, IngestSession session) throws InterruptedException {
        AppReceiver part = KuraTopic.parse(m.topic()).filter(t -> !t.control()).map(t -> parts.receiverOf(t.appId())).orElse(null);
        if (part != null) {
            part.onArrived(m, session);
            return;
        }
        metrics.received.increment();
        queue.put(m);
    }
}
