package cn.egov.manager.exchange;

import cn.egov.api.payload.KuraPayload;

/** Publishes to one box's exchange control topic {@code $EDC/<account>/<box>/EXCHANGE/<resource>} at QoS 1. */
@FunctionalInterface
public interface BoxSender {
    void publish(String box, String resource, KuraPayload payload) throws Exception;
}
