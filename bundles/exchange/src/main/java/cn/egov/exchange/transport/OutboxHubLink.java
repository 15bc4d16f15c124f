package cn.egov.exchange.transport;

import cn.egov.api.exchange.ExchangeWire;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.exchange.service.ExchangeService;
import cn.egov.exchange.service.HubLink;
import java.util.List;

/**
 * The {@link HubLink} of a real box: the box's durable outbox ({@link TelemetryPublisher}), which
 * holds every message across power cuts and outages and drains it over the box's one MQTT
 * connection (mutual TLS with the box certificate) when the backbone is up.
 */
public final class OutboxHubLink implements HubLink {

    private final TelemetryPublisher telemetry;

    public OutboxHubLink(TelemetryPublisher telemetry) {
        this.telemetry = telemetry;
    }

    @Override
    public void sendAll(List<Message> messages) {
        telemetry.publishAll(messages.stream().map(m -> new TelemetryPublisher.Message(ExchangeWire.APP_ID, m.resource(), m.payload(),
                ExchangeService.PRIORITY)).toList());
    }

    @Override
    public void alarm(Alarm alarm) {
        telemetry.alarm(alarm);
    }
}
