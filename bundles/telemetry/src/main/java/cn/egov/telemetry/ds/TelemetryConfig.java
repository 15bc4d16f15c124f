package cn.egov.telemetry.ds;

import cn.egov.telemetry.TelemetrySettings;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Metatype of PID {@code cn.egov.telemetry}; {@link TelemetrySettings} validates the values. */
@ObjectClassDefinition(id = TelemetrySettings.PID, name = "Telemetry",
        description = "MQTT link to the provincial manager, with a durable outbox.")
public @interface TelemetryConfig {

    @AttributeDefinition(name = "Broker URLs", cardinality = 16,
            description = "One or more tcp://host:port or ssl://host:port: the box connects to the first that accepts "
                    + "(see Broker order) and fails over to another when its broker dies")
    String[] broker_url() default TelemetrySettings.DEFAULT_BROKER_URL;

    @AttributeDefinition(name = "Broker order", options = {
            @Option(value = "IN_ORDER", label = "IN_ORDER: always the first URL, the next only when it refuses"),
            @Option(value = "RANDOM_START", label = "RANDOM_START: a random URL first, to spread a reconnect storm over the nodes")})
    String broker_order() default TelemetrySettings.DEFAULT_BROKER_ORDER;

    @AttributeDefinition(name = "Account", description = "First topic level (Kura account)")
    String account() default "hebei";

    @AttributeDefinition(name = "Username", required = false)
    String username() default "";

    @AttributeDefinition(name = "Password", required = false, type = AttributeType.PASSWORD)
    String password() default "";

    @AttributeDefinition(name = "Health interval (s)", min = "1", max = "86400")
    int health_interval_s() default TelemetrySettings.DEFAULT_HEALTH_INTERVAL_S;

    @AttributeDefinition(name = "Outbox file", description = "SQLite database of the outbox")
    String outbox_path() default TelemetrySettings.DEFAULT_OUTBOX_PATH;

    @AttributeDefinition(name = "Outbox capacity", min = "1", max = "10000000",
            description = "Messages kept before the lowest-priority oldest are evicted (priorities 0/1 never)")
    int outbox_capacity() default TelemetrySettings.DEFAULT_OUTBOX_CAPACITY;

    @AttributeDefinition(name = "Outbox sync", options = {@Option(value = "FULL", label = "FULL: survives power loss"),
            @Option(value = "NORMAL", label = "NORMAL: survives a crash, may lose the last commits on power loss")})
    String outbox_sync() default TelemetrySettings.DEFAULT_OUTBOX_SYNC;

    @AttributeDefinition(name = "Outbox alarm interval (s)", min = "0", max = "86400",
            description = "Least time between two outbox eviction/overflow alarms")
    int outbox_alarm_interval_s() default TelemetrySettings.DEFAULT_OUTBOX_ALARM_INTERVAL_S;

    @AttributeDefinition(name = "Reconnect backoff min (ms)", min = "1", max = "3600000")
    int reconnect_min_ms() default TelemetrySettings.DEFAULT_RECONNECT_MIN_MS;

    @AttributeDefinition(name = "Reconnect backoff max (ms)", min = "1", max = "3600000")
    int reconnect_max_ms() default TelemetrySettings.DEFAULT_RECONNECT_MAX_MS;

    @AttributeDefinition(name = "Max in-flight", min = "1", max = "65533", description = "Unacknowledged QoS 1 messages")
    int max_inflight() default TelemetrySettings.DEFAULT_MAX_INFLIGHT;

    @AttributeDefinition(name = "Keep-alive (s)", min = "5", max = "86400")
    int keepalive_s() default TelemetrySettings.DEFAULT_KEEPALIVE_S;
}
