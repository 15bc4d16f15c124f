package cn.egov.telemetry;

import cn.egov.api.identity.BoxIdentity;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.telemetry.health.HealthReporter;
import cn.egov.telemetry.mqtt.LifecyclePayloads;
import cn.egov.telemetry.mqtt.MqttTelemetryPublisher;
import cn.egov.telemetry.outbox.DurableOutbox;

/**
 * The telemetry stack as plain objects: outbox, MQTT publisher and health reporter, wired and
 * started together. The OSGi component and {@link StandaloneTelemetry} both use it.
 *
 * <pre>{@code
 * try (TelemetryRuntime t = TelemetryRuntime.start(identity, settings, "none")) {
 *     t.publisher().publish("ISOLATION", "policy", payload, Priority.STATE);
 * }
 * }</pre>
 */
public final class TelemetryRuntime implements AutoCloseable {
    private final DurableOutbox outbox;
    private final MqttTelemetryPublisher publisher;
    private final HealthReporter health;

    private TelemetryRuntime(DurableOutbox outbox, MqttTelemetryPublisher publisher, HealthReporter health) {
        this.outbox = outbox;
        this.publisher = publisher;
        this.health = health;
    }

    /**
     * @param osgiFramework the framework name for BIRTH, or {@code "none"} outside OSGi
     */
    public static TelemetryRuntime start(BoxIdentity identity, TelemetrySettings settings, String osgiFramework) {
        DurableOutbox outbox = new DurableOutbox(settings.outbox());
        try {
            LifecyclePayloads lifecycle = new LifecyclePayloads(identity, osgiFramework, (int) settings.healthInterval().toSeconds());
            MqttTelemetryPublisher publisher = new MqttTelemetryPublisher(settings.mqtt(), identity, outbox, lifecycle);
            publisher.declareApplication(BoxMetrics.HEALTH_APP);
            publisher.declareApplication(Alarm.APP_ID);
            outbox.onAlarm(publisher::alarm);
            HealthReporter health = new HealthReporter(publisher, outbox, settings.healthInterval());
            publisher.start();
            health.start();
            return new TelemetryRuntime(outbox, publisher, health);
        } catch (RuntimeException e) {
            outbox.close();
            throw e;
        }
    }

    public TelemetryPublisher publisher() {
        return publisher;
    }

    public MqttTelemetryPublisher mqtt() {
        return publisher;
    }

    public DurableOutbox outbox() {
        return outbox;
    }

    public HealthReporter health() {
        return health;
    }

    @Override
    public void close() {
        health.close();
        publisher.close();
        outbox.close();
    }
}
