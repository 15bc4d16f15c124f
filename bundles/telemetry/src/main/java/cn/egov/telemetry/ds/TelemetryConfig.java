package cn.egov.telemetry.ds;

import cn.egov.telemetry.TelemetrySettings;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Metatype of PID {@code cn.egov.telemetry}; {@link TelemetrySettings} validates the values. */
@ObjectClassDefinition(localization = "OSGI-INF/l10n/telemetry", id = TelemetrySettings.PID, name = "%name",
        description = "%description")
public @interface TelemetryConfig {

    @AttributeDefinition(name = "%broker_url.name", cardinality = 16,
            description = "%broker_url.description")
    String[] broker_url() default TelemetrySettings.DEFAULT_BROKER_URL;

    @AttributeDefinition(name = "%broker_order.name", options = {
            @Option(value = "IN_ORDER", label = "IN_ORDER: always the first URL, the next only when it refuses"),
            @Option(value = "RANDOM_START", label = "RANDOM_START: a random URL first, to spread a reconnect storm over the nodes")})
    String broker_order() default TelemetrySettings.DEFAULT_BROKER_ORDER;

    @AttributeDefinition(name = "%account.name", description = "%account.description")
    String account() default "hebei";

    @AttributeDefinition(name = "%username.name", required = false)
    String username() default "";

    @AttributeDefinition(name = "%password.name", required = false, type = AttributeType.PASSWORD)
    String password() default "";

    @AttributeDefinition(name = "%health_interval_s.name", min = "1", max = "86400")
    int health_interval_s() default TelemetrySettings.DEFAULT_HEALTH_INTERVAL_S;

    @AttributeDefinition(name = "%outbox_path.name", description = "%outbox_path.description")
    String outbox_path() default TelemetrySettings.DEFAULT_OUTBOX_PATH;

    @AttributeDefinition(name = "%outbox_capacity.name", min = "1", max = "10000000",
            description = "%outbox_capacity.description")
    int outbox_capacity() default TelemetrySettings.DEFAULT_OUTBOX_CAPACITY;

    @AttributeDefinition(name = "%outbox_sync.name", options = {@Option(value = "FULL", label = "FULL: survives power loss"),
            @Option(value = "NORMAL", label = "NORMAL: survives a crash, may lose the last commits on power loss")})
    String outbox_sync() default TelemetrySettings.DEFAULT_OUTBOX_SYNC;

    @AttributeDefinition(name = "%outbox_alarm_interval_s.name", min = "0", max = "86400",
            description = "%outbox_alarm_interval_s.description")
    int outbox_alarm_interval_s() default TelemetrySettings.DEFAULT_OUTBOX_ALARM_INTERVAL_S;

    @AttributeDefinition(name = "%reconnect_min_ms.name", min = "1", max = "3600000")
    int reconnect_min_ms() default TelemetrySettings.DEFAULT_RECONNECT_MIN_MS;

    @AttributeDefinition(name = "%reconnect_max_ms.name", min = "1", max = "3600000")
    int reconnect_max_ms() default TelemetrySettings.DEFAULT_RECONNECT_MAX_MS;

    @AttributeDefinition(name = "%max_inflight.name", min = "1", max = "65533", description = "%max_inflight.description")
    int max_inflight() default TelemetrySettings.DEFAULT_MAX_INFLIGHT;

    @AttributeDefinition(name = "%keepalive_s.name", min = "5", max = "86400")
    int keepalive_s() default TelemetrySettings.DEFAULT_KEEPALIVE_S;
}
