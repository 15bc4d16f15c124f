package cn.egov.isolation.monitor;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.TelemetryPublisher;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps what the monitor publishes (the telemetry bundle's outbox is another module's subject). */
final class RecordingTelemetry implements TelemetryPublisher {
    record Message(String appId, String resource, KuraPayload payload, int priority) {
    }

    final List<Message> messages = new CopyOnWriteArrayList<>();

    @Override
    public void publish(String appId, String resource, KuraPayload payload, int priority) {
        messages.add(new Message(appId, resource, payload, priority));
    }

    List<Alarm> alarms() {
        return messages.stream().filter(m -> m.appId().equals(Alarm.APP_ID))
                .map(m -> Alarm.fromPayload(m.resource(), m.payload())).toList();
    }

    List<KuraPayload> published(String appId, String resource) {
        return messages.stream().filter(m -> m.appId().equals(appId) && m.resource().equals(resource)).map(Message::payload).toList();
    }
}
