package cn.egov.manager.hub;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.TelemetryPublisher;
import java.util.ArrayList;
import java.util.List;

/** Keeps what the watcher publishes, so the test can check the reports a NOC would see. */
final class RecordingTelemetry implements TelemetryPublisher {

    record Message(String appId, String resource, KuraPayload payload, int priority) {
    }

    private final List<Message> messages = new ArrayList<>();

    @Override
    public synchronized void publish(String appId, String resource, KuraPayload payload, int priority) {
        messages.add(new Message(appId, resource, payload, priority));
    }

    synchronized List<Message> messages() {
        return List.copyOf(messages);
    }

    synchronized void clear() {
        messages.clear();
    }
}
