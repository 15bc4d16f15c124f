package cn.egov.exchange.service;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Alarm;
import java.util.List;

/**
 * The box's way to the exchange hub: messages on {@code <account>/<box>/EXCHANGE/<resource>}
 * through the durable outbox. {@link #sendAll} returns once the messages are stored there, all in
 * one transaction when the outbox can (one disk sync for a whole batch of answers).
 */
public interface HubLink {

    /** One message to the hub. */
    record Message(String resource, KuraPayload payload) {
    }

    void sendAll(List<Message> messages);

    default void send(String resource, KuraPayload payload) {
        sendAll(List.of(new Message(resource, payload)));
    }

    void alarm(Alarm alarm);
}
