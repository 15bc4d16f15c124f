package cn.egov.addressplan;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.TelemetryPublisher;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps what a component publishes; stands in for the MQTT outbox in box-side tests. */
final class RecordingTelemetry implements TelemetryPublisher {

    record Message(String appId, String resource, KuraPayload payload, int priority) {
    }

    final List<Message> messages = new CopyOnWriteArrayList<>();

    @Override
    public void publish(String appId, String resource, KuraPayload payload, int priority) {
        messages.add(new Message(appId, resource, payload, priority));
    }

    List<Message> on(String resource) {
        return messages.stream().filter(m -> m.resource().equals(resource)).toList();
    }
}
