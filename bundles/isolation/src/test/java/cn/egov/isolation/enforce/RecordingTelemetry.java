package cn.egov.isolation.enforce;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.TelemetryPublisher;
import java.util.ArrayList;
import java.util.List;

/** Records what the box would send; alarms are decoded back from their wire payload. */
final class RecordingTelemetry implements TelemetryPublisher {

    record Message(String appId, String resource, KuraPayload payload, int priority) {
    }

    final List<Message> messages = new ArrayList<>();
    /** Called with each alarm's kind as it is raised (a test can look at the box at that moment). */
    volatile java.util.function.Consumer<String> onAlarm = kind -> { };

    @Override
    public synchronized void publish(String appId, String resource, KuraPayload payload, int priority) {
        if (Alarm.APP_ID.equals(appId)) {
            onAlarm.accept(resource);
        }
        messages.add(new Message(appId, resource, payload, priority));
    }

    synchronized List<Alarm> alarms(String kind) {
        return messages.stream().filter(m -> m.appId().equals(Alarm.APP_ID) && m.resource().equals(kind))
                .map(m -> Alarm.fromPayload(m.resource(), m.payload())).toList();
    }

    synchronized KuraPayload last(String appId, String resource) {
        List<Message> l = messages.stream().filter(m -> m.appId().equals(appId) && m.resource().equals(resource)).toList();
        return l.isEmpty() ? null : l.get(l.size() - 1).payload();
    }
}
