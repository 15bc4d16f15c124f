package cn.egov.exchange.service;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Alarm;

/**
 * The box's way to the exchange hub: a message on {@code <account>/<box>/EXCHANGE/<resource>}
 * through the durable outbox. {@link #send} returns once the message is stored there.
 */
public interface HubLink {
    void send(String resource, KuraPayload payload);

    void alarm(Alarm alarm);
}
