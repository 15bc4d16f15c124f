package cn.egov.telemetry.outbox;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Priority;
import java.util.Objects;

/** A message to queue: full topic, payload (without message id yet) and priority. */
public record OutgoingMessage(String topic, KuraPayload payload, int priority) {
    public OutgoingMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Priority.check(priority);
    }
}
