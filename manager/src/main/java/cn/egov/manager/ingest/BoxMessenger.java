package cn.egov.manager.ingest;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.topic.KuraTopic;
import java.time.Duration;
import java.util.List;

/** Sends a message to boxes (policy, requests) through the broker as the manager's own client. */
@FunctionalInterface
public interface BoxMessenger {
    /** Publishes at QoS 1; {@code retained} keeps it for a box that connects later. */
    void publish(KuraTopic topic, KuraPayload payload, boolean retained) throws Exception;

    /** One message of {@link #publishAll}. */
    record Outgoing(KuraTopic topic, KuraPayload payload) {
    }

    /**
     * Publishes every message at QoS 1, not retained, without waiting for one before the next (all
     * in flight at once), then waits until the broker took them or {@code timeout} passed: for a
     * part that sends a batch. Never call it from an {@link AppReceiver}: completions need the
     * session's receive thread.
     *
     * @return for each message, in order, whether the broker acknowledged it
     */
    default boolean[] publishAll(List<Outgoing> messages, Duration timeout) {
        boolean[] ok = new boolean[messages.size()];
        for (int i = 0; i < ok.length; i++) {
            try {
                publish(messages.get(i).topic(), messages.get(i).payload(), false);
                ok[i] = true;
            } catch (Exception e) {
                ok[i] = false;
            }
        }
        return ok;
    }
}
