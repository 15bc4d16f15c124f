package cn.egov.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import cn.egov.telemetry.identity.IdentitySettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
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
        // other tests of this JVM use the same client id and may leave a thread of theirs ending: only this box's count
        Set<Thread> before = connectionThreads();
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
            Set<Thread> after = connectionThreads();
            after.removeAll(before);
            assertEquals(List.of(), after.stream().map(Thread::getName).toList(), "Paho threads alive after close()");
        }
    }

    /** Paho's threads of this client; not its keep-alive timer, whose thread ends on its own after cancel(). */
    private static Set<Thread> connectionThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).filter(t -> t.getName().startsWith("MQTT ")
                && t.getName().endsWith(": " + TestIds.UNIT) && !t.getName().startsWith("MQTT Ping")).collect(Collectors.toCollection(HashSet::new));
    }
}
