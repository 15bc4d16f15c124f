package cn.egov.duty;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.TelemetryPublisher;
import java.util.ArrayList;
import java.util.List;

/** Records what the desk queues; {@link #failNext} makes the next publish fail like a broken outbox. */
final class RecordingTelemetry implements TelemetryPublisher {

    record Published(String appId, String resource, KuraPayload payload, int priority) {
    }

    final List<Published> published = new ArrayList<>();
    boolean failNext;

    @Override
    public synchronized void publish(String appId, String resource, KuraPayload payload, int priority) {
        if (failNext) {
            failNext = false;
            throw new IllegalStateException("outbox unavailable (test)");
        }
        published.add(new Published(appId, resource, payload, priority));
    }

    synchronized List<Published> of(String appId, String resource) {
        return published.stream().filter(p -> p.appId().equals(appId) && p.resource().equals(resource)).toList();
    }

    synchronized List<Alarm> alarms() {
        return published.stream().filter(p -> p.appId().equals(Alarm.APP_ID)).map(p -> Alarm.fromPayload(p.resource(), p.payload())).toList();
    }
}
