package cn.egov.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cn.egov.api.identity.BoxIdentity;
import cn.egov.telemetry.identity.IdentityComponent;
import cn.egov.telemetry.identity.IdentitySettings;
import cn.egov.telemetry.outbox.SyncMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsValidationTest {

    private static String error(Map<String, ?> values, boolean identity) {
        ConfigValues c = new ConfigValues("box.properties", values);
        return assertThrows(IllegalArgumentException.class,
                () -> {
                    if (identity) {
                        IdentitySettings.parse(c);
                    } else {
                        TelemetrySettings.parse(c);
                    }
                }).getMessage();
    }

    @Test
    void identityIsParsedFromConfigurationAsTheComponentDoes() {
        Map<String, Object> props = Map.of("unit.code", "130602-001", "serial.number", "SN-1", "display.name", "保定市水利局");
        BoxIdentity id = new IdentityComponent(props).identity();
        assertEquals("130602-001", id.clientId());
        assertEquals("SN-1", id.serial());
        assertEquals("保定市水利局", id.displayName());
        assertEquals("130602-001", IdentitySettings.parse(new ConfigValues("x", Map.of("unit.code", "130602-001", "serial.number", "S")))
                .displayName(), "display name defaults to the unit code");
    }

    @Test
    void identityErrorsNameTheSourceAndKey() {
        assertEquals("box.properties: unit.code is missing", error(Map.of("serial.number", "S"), true));
        assertEquals("box.properties: unit.code is invalid: unit code '1306-1' is not of the form CCCCCC-DDD, e.g. 130602-001",
                error(Map.of("unit.code", "1306-1", "serial.number", "S"), true));
        assertEquals("box.properties: serial.number is missing", error(Map.of("unit.code", "130602-001", "serial.number", " "), true));
        assertEquals("box.properties: serial.number 'a/b' must be 1-64 letters, digits, '.', '_' or '-'",
                error(Map.of("unit.code", "130602-001", "serial.number", "a/b"), true));
        assertEquals("box.properties: display.name must be at most 128 printable characters",
                error(Map.of("unit.code", "130602-001", "serial.number", "S", "display.name", "a\nb"), true));
    }

    @Test
    void telemetryDefaultsMatchTheDocumentedOnes() {
        TelemetrySettings s = TelemetrySettings.parse(new ConfigValues("x", Map.of()));
        assertEquals("tcp://127.0.0.1:1883", s.mqtt().brokerUrl());
        assertEquals("hebei", s.mqtt().account());
        assertNull(s.mqtt().username());
        assertNull(s.mqtt().tls());
        assertEquals(Duration.ofSeconds(60), s.healthInterval());
        assertEquals(Path.of("/var/lib/egov-edge/telemetry/outbox.db"), s.outbox().path());
        assertEquals(10_000, s.outbox().capacity());
        assertEquals(SyncMode.FULL, s.outbox().syncMode());
        assertEquals(Duration.ofSeconds(1), s.mqtt().reconnectMin());
        assertEquals(Duration.ofSeconds(60), s.mqtt().reconnectMax());
        assertEquals(20, s.mqtt().maxInflight());
    }

    @Test
    void typedOsgiValuesAndStringsBothWork() {
        Map<String, Object> props = new HashMap<>();
        props.put("outbox.capacity", 500);          // Integer from ConfigAdmin
        props.put("health.interval.s", "15");      // String from a properties file
        props.put("outbox.sync", "normal");
        TelemetrySettings s = TelemetrySettings.parse(new ConfigValues("x", props));
        assertEquals(500, s.outbox().capacity());
        assertEquals(Duration.ofSeconds(15), s.healthInterval());
        assertEquals(SyncMode.NORMAL, s.outbox().syncMode());
    }

    @Test
    void telemetryErrorsNameTheSourceAndKey() {
        assertEquals("box.properties: outbox.capacity must be a whole number, got 'lots'",
                error(Map.of("outbox.capacity", "lots"), false));
        assertEquals("box.properties: outbox.capacity must be between 1 and 10000000, got 0",
                error(Map.of("outbox.capacity", "0"), false));
        assertEquals("box.properties: broker.url is invalid: broker URL must be tcp://host:port or ssl://host:port, got 'http://x:1'",
                error(Map.of("broker.url", "http://x:1"), false));
        assertEquals("box.properties: account 'he/bei' must be one topic level without '/', '+', '#' or a leading '$'",
                error(Map.of("account", "he/bei"), false));
        assertEquals("box.properties: reconnect.max.ms (100) must not be below reconnect.min.ms (1000)",
                error(Map.of("reconnect.max.ms", "100"), false));
        assertEquals("box.properties: outbox.sync must be FULL or NORMAL, got 'OFF'",
                error(Map.of("outbox.sync", "off"), false));
    }

    @Test
    void durationsNameTheirKeyAndSayMustBePositive() {
        assertEquals("box.properties: health.interval.s must be positive, got 0", error(Map.of("health.interval.s", "0"), false));
        assertEquals("box.properties: reconnect.min.ms must be positive, got -5", error(Map.of("reconnect.min.ms", -5), false));
        assertEquals("box.properties: health.interval.s must be at most 86400, got 86401",
                error(Map.of("health.interval.s", "86401"), false));
        assertEquals("reconnectMin must be positive, got 0 ms", assertThrows(IllegalArgumentException.class,
                () -> new cn.egov.telemetry.mqtt.MqttSettings("tcp://127.0.0.1:1883", "hebei", null, null, Duration.ZERO,
                        Duration.ofSeconds(1), 10, Duration.ofSeconds(30), null)).getMessage());
    }
}
