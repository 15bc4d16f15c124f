package cn.egov.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import cn.egov.telemetry.identity.IdentitySettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The box shuts down while its broker no longer acknowledges (real Mosquitto, SIGSTOP) and messages are on the wire:
 * close() leaves none of Paho's connection threads behind. Paho 1.2.5's own disconnect quiesces on a thread of its
 * own, which outlives a timed-out wait and then prints a NullPointerException once the client is closed.
 */
class CloseOnFrozenBrokerTest {

    private static final int COUNT = 50;

    @TempDir
    Path dir;

    @Test
    void closingWithUnacknowledgedMessagesLeavesNoPahoThreadBehind() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.startNew(dir.resolve("broker"))) {
            Map<String, String> conf = new HashMap<>(TestIds.config(broker.url(), dir.resolve("outbox.db"), 3600));
            conf.put(TelemetrySettings.MAX_INFLIGHT, Integer.toString(2 * COUNT)); // all of them go on the wire
            TelemetryRuntime box = TelemetryRuntime.start(IdentitySettings.parse(TestIds.values(conf)),
                    TelemetrySettings.parse(TestIds.values(conf)), "none");
            try {
                SyntheticLoad.generate(box.outbox(), "hebei", TestIds.UNIT, 1, 5);
                BrokerFailoverTest.waitUntil(() -> box.outbox().stats().sent() == 1, "BIRTH and a first message acknowledged");
                broker.freeze();
                SyntheticLoad.generate(box.outbox(), "hebei", TestIds.UNIT, COUNT, 6);
                BrokerFailoverTest.waitUntil(() -> box.mqtt().published() >= 1 + COUNT, "all published, none acknowledged");
                assertEquals(COUNT, box.outbox().depth(), "none acknowledged");
            } finally {
                box.close();
                broker.thaw(); // else stopping it waits for its SIGTERM in vain
            }
            assertFalse(box.mqtt().isConnected());
            assertEquals(List.of(), connectionThreads(), "Paho threads alive after close()");
        }
    }

    /** Paho's threads of this client; not its keep-alive timer, whose thread ends on its own after cancel(). */
    private static List<String> connectionThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("MQTT ") && n.endsWith(": " + TestIds.UNIT) && !n.startsWith("MQTT Ping")).toList();
    }
}
