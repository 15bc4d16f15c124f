package cn.egov.manager.ingest;

import java.util.List;

/** Acknowledges a message to the broker once it is committed (QoS 1 PUBACK). */
@FunctionalInterface
public interface Acknowledger {
    void ack(InboundMessage m);

    /** Acknowledges a committed batch; a session that can acknowledge them at once does. */
    default void ackAll(List<InboundMessage> batch) {
        batch.forEach(this::ack);
    }
}
