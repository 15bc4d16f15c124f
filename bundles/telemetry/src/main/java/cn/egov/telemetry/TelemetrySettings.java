package cn.egov.telemetry;

import cn.egov.telemetry.mqtt.BrokerOrder;
import cn.egov.telemetry.mqtt.MqttSettings;
import cn.egov.telemetry.outbox.OutboxSettings;
import cn.egov.telemetry.outbox.SyncMode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * The telemetry configuration (PID {@code cn.egov.telemetry}), validated once for both the OSGi
 * component and {@link StandaloneTelemetry}. Keys and defaults are the constants below; the
 * Metatype in {@code cn.egov.telemetry.ds.TelemetryConfig} declares the same.
 */
public record TelemetrySettings(MqttSettings mqtt, OutboxSettings outbox, Duration healthInterval) {
    public static final String PID = "cn.egov.telemetry";

    public static final String BROKER_URL = "broker.url";
    public static final String BROKER_ORDER = "broker.order";
    public static final String ACCOUNT = "account";
    public static final String USERNAME = "username";
    public static final String PASSWORD = "password";
    public static final String HEALTH_INTERVAL_S = "health.interval.s";
    public static final String OUTBOX_PATH = "outbox.path";
    public static final String OUTBOX_CAPACITY = "outbox.capacity";
    public static final String OUTBOX_SYNC = "outbox.sync";
    public static final String OUTBOX_ALARM_INTERVAL_S = "outbox.alarm.interval.s";
    public static final String RECONNECT_MIN_MS = "reconnect.min.ms";
    public static final String RECONNECT_MAX_MS = "reconnect.max.ms";
    public static final String MAX_INFLIGHT = "max.inflight";
    public static final String KEEPALIVE_S = "keepalive.s";

    public static final String DEFAULT_BROKER_URL = "tcp://127.0.0.1:1883";
    public static final String DEFAULT_BROKER_ORDER = "IN_ORDER";
    public static final int DEFAULT_HEALTH_INTERVAL_S = 60;
    public static final String DEFAULT_OUTBOX_PATH = "/var/lib/egov-edge/telemetry/outbox.db";
    public static final int DEFAULT_OUTBOX_CAPACITY = OutboxSettings.DEFAULT_CAPACITY;
    public static final String DEFAULT_OUTBOX_SYNC = "FULL";
    public static final int DEFAULT_OUTBOX_ALARM_INTERVAL_S = 600;
    public static final int DEFAULT_RECONNECT_MIN_MS = 1_000;
    public static final int DEFAULT_RECONNECT_MAX_MS = 60_000;
    public static final int DEFAULT_MAX_INFLIGHT = MqttSettings.DEFAULT_MAX_INFLIGHT;
    public static final int DEFAULT_KEEPALIVE_S = 30;

    private static final int MAX_CAPACITY = 10_000_000;
    private static final int DAY_S = 86_400;
    private static final int HOUR_MS = 3_600_000;
    /** Paho refuses windows above 65535 (the MQTT packet id range). */
    private static final int PAHO_MAX_INFLIGHT = 65_535;

    public static TelemetrySettings parse(ConfigValues c) {
        List<String> urls = c.list(BROKER_URL, List.of(DEFAULT_BROKER_URL));
        String orderName = c.string(BROKER_ORDER, DEFAULT_BROKER_ORDER).toUpperCase(Locale.ROOT);
        BrokerOrder order;
        try {
            order = BrokerOrder.valueOf(orderName);
        } catch (IllegalArgumentException e) {
            throw c.error(BROKER_ORDER, "must be IN_ORDER or RANDOM_START, got '" + orderName + "'");
        }
        String account = c.string(ACCOUNT, MqttSettings.DEFAULT_ACCOUNT);
        if (account.contains("/") || account.contains("+") || account.contains("#") || account.startsWith("$")) {
            throw c.error(ACCOUNT, "'" + account + "' must be one topic level without '/', '+', '#' or a leading '$'");
        }
        String password = c.string(PASSWORD, null);
        Duration reconnectMin = c.positiveDuration(RECONNECT_MIN_MS, DEFAULT_RECONNECT_MIN_MS, ChronoUnit.MILLIS, HOUR_MS);
        Duration reconnectMax = c.positiveDuration(RECONNECT_MAX_MS, DEFAULT_RECONNECT_MAX_MS, ChronoUnit.MILLIS, HOUR_MS);
        if (reconnectMax.compareTo(reconnectMin) < 0) {
            throw c.error(RECONNECT_MAX_MS, "(" + reconnectMax.toMillis() + ") must not be below " + RECONNECT_MIN_MS
                    + " (" + reconnectMin.toMillis() + ")");
        }
        MqttSettings mqtt;
        try {
            mqtt = new MqttSettings(urls, order, account, c.string(USERNAME, null), password == null ? null : password.toCharArray(),
                    reconnectMin, reconnectMax,
                    c.integer(MAX_INFLIGHT, DEFAULT_MAX_INFLIGHT, 1, PAHO_MAX_INFLIGHT - 2),
                    Duration.ofSeconds(c.integer(KEEPALIVE_S, DEFAULT_KEEPALIVE_S, 5, DAY_S)), null);
        } catch (IllegalArgumentException e) {
            throw c.error(BROKER_URL, "is invalid: " + e.getMessage());
        }
        String sync = c.string(OUTBOX_SYNC, DEFAULT_OUTBOX_SYNC).toUpperCase(Locale.ROOT);
        SyncMode mode;
        try {
            mode = SyncMode.valueOf(sync);
        } catch (IllegalArgumentException e) {
            throw c.error(OUTBOX_SYNC, "must be FULL or NORMAL, got '" + sync + "'");
        }
        OutboxSettings outbox = new OutboxSettings(Path.of(c.string(OUTBOX_PATH, DEFAULT_OUTBOX_PATH)),
                c.integer(OUTBOX_CAPACITY, DEFAULT_OUTBOX_CAPACITY, 1, MAX_CAPACITY), mode,
                Duration.ofSeconds(c.integer(OUTBOX_ALARM_INTERVAL_S, DEFAULT_OUTBOX_ALARM_INTERVAL_S, 0, DAY_S)));
        return new TelemetrySettings(mqtt, outbox,
                c.positiveDuration(HEALTH_INTERVAL_S, DEFAULT_HEALTH_INTERVAL_S, ChronoUnit.SECONDS, DAY_S));
    }
}
