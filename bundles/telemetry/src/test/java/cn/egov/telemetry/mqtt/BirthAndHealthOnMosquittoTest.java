package cn.egov.telemetry.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.topic.KuraTopic;
import cn.egov.telemetry.MosquittoBroker;
import cn.egov.telemetry.RecordingSubscriber;
import cn.egov.telemetry.TelemetryRuntime;
import cn.egov.telemetry.TelemetrySettings;
import cn.egov.telemetry.TestIds;
import cn.egov.telemetry.identity.IdentitySettings;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's mosquitto_sub receives the box's BIRTH and HEALTH on Kura's topics, and protoc decodes
 * them with our kurapayload.proto; a clean shutdown publishes DC.
 */
class BirthAndHealthOnMosquittoTest {
    private static final Path PROTO_DIR = Path.of("../api/src/main/proto").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void mosquittoSubReceivesBirthAndHealthThatProtocDecodes() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.startNew(dir.resolve("broker"))) {
            String birthTopic = KuraTopic.birth("hebei", TestIds.UNIT).toString();
            String healthTopic = KuraTopic.telemetry("hebei", TestIds.UNIT, BoxMetrics.HEALTH_APP, BoxMetrics.HEALTH_RESOURCE).toString();
            Path subOut = dir.resolve("sub.out");
            // -F '%t %x': topic, then the payload in hex, one message per line.
            Process sub = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", Integer.toString(broker.port()),
                    "-q", "1", "-t", birthTopic, "-t", healthTopic, "-C", "2", "-F", "%t %x")
                    .redirectErrorStream(true).redirectOutput(subOut.toFile()).start();
            try {
                waitForSubscriber(broker);
                Map<String, String> conf = TestIds.config(broker.url(), dir.resolve("outbox.db"), 1);
                try (TelemetryRuntime box = TelemetryRuntime.start(
                        IdentitySettings.parse(TestIds.values(conf)), TelemetrySettings.parse(TestIds.values(conf)), "none")) {
                    assertTrue(sub.waitFor(30, TimeUnit.SECONDS), "mosquitto_sub got BIRTH and HEALTH");
                }
            } finally {
                sub.destroyForcibly(); // never leave it behind when the test fails early
            }
            List<String> lines = Files.readAllLines(subOut);
            assertEquals(2, lines.size(), String.join("\n", lines));
            assertTrue(lines.get(0).startsWith(birthTopic + " "), lines.get(0));
            assertTrue(lines.get(1).startsWith(healthTopic + " "), lines.get(1));

            String birth = protocDecode(lines.get(0).split(" ", 2)[1]);
            assertMetric(birth, "display_name", "string_value: \"\\344\\277\\235"); // 保 in protoc's octal escapes
            assertMetric(birth, "serial_number", "string_value: \"" + TestIds.SERIAL + "\"");
            assertMetric(birth, "unit_code", "string_value: \"" + TestIds.UNIT + "\"");
            assertMetric(birth, "model_id", "string_value: \"" + LifecyclePayloads.MODEL_ID + "\"");
            assertMetric(birth, "jvm_version", "string_value: \"" + System.getProperty("java.version") + "\"");
            assertMetric(birth, "os", "string_value: \"Linux\"");
            assertMetric(birth, "connection_ip", "string_value: \"127.0.0.1\"");
            assertMetric(birth, "connection_interface", "string_value: \"lo\"");
            assertMetric(birth, "health_interval_s", "int_value: 1");
            assertMetric(birth, "application_ids", "string_value: \"ALARM,HEALTH\"");
            for (String name : List.of("uptime", "firmware_version", "os_version", "jvm_name", "osgi_framework")) {
                assertTrue(birth.contains("name: \"" + name + "\""), name + " missing in\n" + birth);
            }

            String health = protocDecode(lines.get(1).split(" ", 2)[1]);
            assertMetric(health, BoxMetrics.OUTBOX_EVICTED, "long_value: 0");
            assertMetric(health, "msg.seq", "long_value: 1");
            for (String name : List.of(BoxMetrics.UPTIME, BoxMetrics.HEAP_USED_BYTES, BoxMetrics.HEAP_MAX_BYTES,
                    BoxMetrics.CPU_LOAD, BoxMetrics.DISK_FREE_BYTES, BoxMetrics.OUTBOX_DEPTH, "msg.epoch")) {
                assertTrue(health.contains("name: \"" + name + "\""), name + " missing in\n" + health);
            }
            assertTrue(health.matches("(?s).*name: \"heap_max_bytes\"\\s+type: INT64\\s+long_value: [1-9].*"), health);
        }
    }

    @Test
    void cleanShutdownPublishesDisconnect() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.startNew(dir.resolve("broker"));
             RecordingSubscriber sub = new RecordingSubscriber(broker.url(), "noc", false,
                     KuraTopic.boxFilters("hebei", TestIds.UNIT).toArray(String[]::new))) {
            Map<String, String> conf = TestIds.config(broker.url(), dir.resolve("outbox.db"), 3600);
            TelemetryRuntime box = TelemetryRuntime.start(
                    IdentitySettings.parse(TestIds.values(conf)), TelemetrySettings.parse(TestIds.values(conf)), "none");
            RecordingSubscriber.Received birth = sub.next(20_000);
            assertNotNull(birth);
            assertEquals(KuraTopic.birth("hebei", TestIds.UNIT).toString(), birth.topic());
            box.close();
            List<RecordingSubscriber.Received> rest = sub.collect(r -> true, 1, 10_000);
            assertEquals(1, rest.size());
            assertEquals(KuraTopic.disconnect("hebei", TestIds.UNIT).toString(), rest.get(0).topic());
            assertEquals(TestIds.UNIT, rest.get(0).payload().stringMetric(BoxMetrics.UNIT_CODE));
            assertTrue(sub.drainFor(500).isEmpty(), "no last will after a clean disconnect");
        }
    }

    private static void assertMetric(String decoded, String name, String valueLine) {
        int at = decoded.indexOf("name: \"" + name + "\"");
        assertTrue(at >= 0, name + " missing in\n" + decoded);
        int end = decoded.indexOf('}', at);
        assertTrue(decoded.substring(at, end).contains(valueLine), name + " should have " + valueLine + " in\n" + decoded.substring(at, end));
    }

    private static String protocDecode(String hex) throws Exception {
        Process p = new ProcessBuilder("protoc", "--proto_path=" + PROTO_DIR, "--decode=kuradatatypes.KuraPayload",
                PROTO_DIR.resolve("kurapayload.proto").toString()).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(HexFormat.of().parseHex(hex.trim()));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream s = p.getInputStream()) {
            s.transferTo(out);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "protoc failed: " + text);
        return text;
    }

    /** mosquitto_sub has subscribed once the broker logs its SUBSCRIBE. */
    private static void waitForSubscriber(MosquittoBroker broker) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(broker.log())) {
                List<String> subs = new ArrayList<>(Files.readAllLines(broker.log()).stream()
                        .filter(l -> l.contains("Received SUBSCRIBE from auto-")).toList());
                if (!subs.isEmpty()) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("mosquitto_sub did not subscribe");
    }
}
