package cn.egov.manager.ingest;

/** Acknowledges a message to the broker once it is committed (QoS 1 PUBACK). */
@FunctionalInterface
public interface Acknowledger {
    void ack(InboundMessage m);
}
