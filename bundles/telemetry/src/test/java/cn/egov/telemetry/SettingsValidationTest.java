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
import cn.egov.telemetry.mqtt.BrokerOrder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
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
        assertEquals(List.of("tcp://127.0.0.1:1883"), s.mqtt().brokerUrls());
        assertEquals(BrokerOrder.IN_ORDER, s.mqtt().order());
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
    void brokerEndpointsAreAListFromConfigAdminOrAPropertiesFile() {
        Map<String, Object> osgi = new HashMap<>();
        osgi.put("broker.url", new String[] {"ssl://m1.egov:8883", "ssl://m2.egov:8883", " "}); // Metatype cardinality: String[]
        osgi.put("broker.order", "random_start");
        TelemetrySettings s = TelemetrySettings.parse(new ConfigValues("x", osgi));
        assertEquals(List.of("ssl://m1.egov:8883", "ssl://m2.egov:8883"), s.mqtt().brokerUrls());
        assertEquals(BrokerOrder.RANDOM_START, s.mqtt().order());
        TelemetrySettings fromFile = TelemetrySettings.parse(new ConfigValues("x",
                Map.of("broker.url", "tcp://10.1.0.5:1883, tcp://10.1.0.6:1883,tcp://10.1.0.7:1883")));
        assertEquals(List.of("tcp://10.1.0.5:1883", "tcp://10.1.0.6:1883", "tcp://10.1.0.7:1883"), fromFile.mqtt().brokerUrls());
        assertEquals(fromFile.mqtt().brokerUrls(), fromFile.mqtt().connectOrder(new SplittableRandom(1)), "IN_ORDER starts at the first");
    }

    @Test
    void randomStartRotatesTheListAndStartsEverywhere() {
        TelemetrySettings s = TelemetrySettings.parse(new ConfigValues("x",
                Map.of("broker.url", "tcp://a:1,tcp://b:1,tcp://c:1", "broker.order", "RANDOM_START")));
        Set<String> firsts = new HashSet<>();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200; i++) {
            List<String> order = s.mqtt().connectOrder(random);
            firsts.add(order.get(0));
            int start = s.mqtt().brokerUrls().indexOf(order.get(0));
            for (int k = 0; k < 3; k++) {
                assertEquals(s.mqtt().brokerUrls().get((start + k) % 3), order.get(k), "the rest follow in list order: " + order);
            }
        }
        assertEquals(Set.of("tcp://a:1", "tcp://b:1", "tcp://c:1"), firsts);
    }

    @Test
    void aBadEndpointIsNamedByItsPlaceInTheList() {
        assertEquals("box.properties: broker.url is invalid: broker URL (entry 2 of 3) must be tcp://host:port or ssl://host:port, "
                + "got 'http://m2:1883'", error(Map.of("broker.url", "tcp://m1:1883,http://m2:1883,tcp://m3:1883"), false));
        assertEquals("box.properties: broker.url is invalid: broker URL (entry 1 of 2) must be tcp://host:port or ssl://host:port, "
                + "got 'm1 1883'", error(Map.of("broker.url", new String[] {"m1 1883", "tcp://m2:1883"}), false));
        assertEquals("box.properties: broker.url is invalid: broker URLs must be different, got [tcp://m1:1883, tcp://m1:1883]",
                error(Map.of("broker.url", "tcp://m1:1883,tcp://m1:1883"), false));
        assertEquals("box.properties: broker.order must be IN_ORDER or RANDOM_START, got 'SHUFFLE'",
                error(Map.of("broker.order", "shuffle"), false));
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
