package cn.egov.telemetry.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cn.egov.api.control.ControlChannel;
import cn.egov.telemetry.MosquittoBroker;
import cn.egov.telemetry.TelemetryRuntime;
import cn.egov.telemetry.TelemetrySettings;
import cn.egov.telemetry.TestIds;
import cn.egov.telemetry.identity.IdentitySettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The box's {@link ControlChannel} on its one MQTT connection (real Mosquitto): a retained control
 * message reaches a box that connects later; the subscription is renewed after the broker comes
 * back, so the retained message is delivered again; a listener that throws does not cost the
 * connection; a topic has one listener.
 */
class ControlChannelTest {

    private static final String TOPIC = "$EDC/hebei/" + TestIds.UNIT + "/POLICY/PUT/bundle";
    private static final String OTHER = "$EDC/hebei/" + TestIds.UNIT + "/CONF/PUT/x";

    @TempDir
    Path dir;

    @Test
    void retainedControlMessagesReachTheBoxAndSubscriptionsSurviveABrokerRestart() throws Exception {
        MosquittoBroker broker = MosquittoBroker.on(dir.resolve("broker"), MosquittoBroker.freePort(), true);
        broker.start();
        try {
            pub(broker, TOPIC, "v1");
            Map<String, String> conf = TestIds.config(broker.url(), dir.resolve("outbox.db"), 60);
            try (TelemetryRuntime box = TelemetryRuntime.start(IdentitySettings.parse(TestIds.values(conf)),
                    TelemetrySettings.parse(TestIds.values(conf)), "none")) {
                BlockingQueue<String> got = new LinkedBlockingQueue<>();
                ControlChannel channel = box.mqtt();
                channel.subscribe("POLICY", "PUT/bundle", (t, p) -> got.add(t + " " + new String(p, StandardCharsets.UTF_8)));
                channel.subscribe("CONF", "PUT/x", (t, p) -> {
                    throw new IllegalStateException("a broken listener");
                });
                assertThrows(IllegalArgumentException.class, () -> channel.subscribe("POLICY", "PUT/bundle", (t, p) -> { }));
                assertThrows(IllegalArgumentException.class, () -> channel.subscribe("POLICY", "PUT/#", (t, p) -> { }));
                assertEquals(TOPIC + " v1", got.poll(30, TimeUnit.SECONDS), "the retained message after connecting");

                pub(broker, OTHER, "boom");
                pub(broker, TOPIC, "v2");
                assertEquals(TOPIC + " v2", got.poll(30, TimeUnit.SECONDS), "still connected after the listener threw");

                broker.stop();
                broker.start();
                assertEquals(TOPIC + " v2", got.poll(60, TimeUnit.SECONDS), "subscription renewed after the reconnect");
            }
        } finally {
            broker.close();
        }
    }

    private static void pub(MosquittoBroker broker, String topic, String text) throws Exception {
        Process p = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(broker.port()), "-q", "1", "-r",
                "-t", topic, "-m", text).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("mosquitto_pub failed: " + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
