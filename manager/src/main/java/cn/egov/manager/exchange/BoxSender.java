package cn.egov.manager.exchange;

import cn.egov.api.payload.KuraPayload;
import java.util.List;

/** Publishes to boxes' exchange control topics {@code $EDC/<account>/<box>/EXCHANGE/<resource>} at QoS 1. */
@FunctionalInterface
public interface BoxSender {

    /** One message to one box. */
    record Outgoing(String box, String resource, KuraPayload payload) {
    }

    /**
     * Publishes every message (all in flight at once) and waits until the broker has taken them.
     *
     * @return for each message, in order, whether the broker took it
     */
    boolean[] publishAll(List<Outgoing> messages);
}
