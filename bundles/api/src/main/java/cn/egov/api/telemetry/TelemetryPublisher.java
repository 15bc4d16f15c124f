package cn.egov.api.telemetry;

import cn.egov.api.payload.KuraPayload;
import java.util.List;

/**
 * The box's one way out: an OSGi service that every capability uses to report. The message is
 * durably queued before this method returns and is sent when the broker is reachable; the
 * implementation adds the account and the box's own client id to the topic, so a capability
 * cannot publish as another box.
 *
 * <pre>{@code
 * @Reference TelemetryPublisher telemetry;
 * telemetry.publish("ISOLATION", "policy", payload, Priority.STATE);
 * // goes out on hebei/130602-001/ISOLATION/policy
 * }</pre>
 */
public interface TelemetryPublisher {

    /**
     * Queues a telemetry message on {@code <account>/<client-id>/<appId>/<resource>} at QoS 1.
     *
     * @param priority see {@link Priority}; lower drains first and is evicted last
     */
    void publish(String appId, String resource, KuraPayload payload, int priority);

    /** One message for {@link #publishAll}. */
    record Message(String appId, String resource, KuraPayload payload, int priority) {
    }

    /**
     * Queues several messages at once; returns when all are committed. An implementation with a
     * durable store writes them in one transaction (one disk sync instead of one each): for a
     * capability that answers a batch of messages at a time.
     */
    default void publishAll(List<Message> messages) {
        for (Message m : messages) {
            publish(m.appId(), m.resource(), m.payload(), m.priority());
        }
    }

    /** Raises an alarm: published at {@link Priority#ALARM} on {@code <account>/<client-id>/ALARM/<kind>}. */
    default void alarm(Alarm alarm) {
        publish(Alarm.APP_ID, alarm.kind(), alarm.toPayload(), Priority.ALARM);
    }

    /**
     * Raises (or, with severity {@link Alarm.Severity#CLEARED}, clears) a condition: an alarm that
     * stands until an alarm of the same kind clears it, such as "not enrolled", "policy refused",
     * "tunnel down". Published as {@link #alarm(Alarm)}; the box also keeps it in its standing
     * alarms ({@code cn.egov.api.launcher.StandingAlarms}), and {@code appliance status} is not
     * healthy while a MAJOR or CRITICAL one stands. Events that do not last (a denied packet) use
     * {@link #alarm(Alarm)}. A capability clears each condition it raised when it is over, and
     * raises it again at start while it holds.
     */
    default void condition(Alarm alarm) {
        alarm(alarm);
    }
}
