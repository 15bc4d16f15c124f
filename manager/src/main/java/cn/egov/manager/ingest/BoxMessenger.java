package cn.egov.manager.ingest;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.topic.KuraTopic;

/** Sends a message to boxes (policy, requests) through the broker as the manager's own client. */
@FunctionalInterface
public interface BoxMessenger {
    /** Publishes at QoS 1; {@code retained} keeps it for a box that connects later. */
    void publish(KuraTopic topic, KuraPayload payload, boolean retained) throws Exception;
}
