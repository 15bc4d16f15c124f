package cn.egov.manager.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SimulatedBox#close()} on a broker that stopped acknowledging (real Mosquitto, SIGSTOP): no disconnect thread of
 * Paho's outlives it. Paho 1.2.5's own disconnect thread waited 30 s for the unacknowledged publish, and once the box
 * had closed the client it printed a NullPointerException (ClientState.quiesce) into whichever test ran then.
 */
class SimulatedBoxCloseTest {

    private static final String UNIT = "130602-001";

    @TempDir
    Path dir;

    @Test
    void closingOnAFrozenBrokerLeavesNoDisconnectThreadBehind() throws Exception {
        try (MosquittoProcess mosquitto = MosquittoProcess.start(dir.resolve("mosquitto"), List.of(UNIT))) {
            SimulatedBox box = new SimulatedBox(mosquitto.url(), UNIT).withPassword(mosquitto.password(UNIT)).connect();
            box.health();
            box.flush(); // the broker is alive: acknowledged
            signal("-STOP", mosquitto.pid());
            try {
                box.health(); // never acknowledged
                box.close();
                assertFalse(box.isConnected());
                assertEquals(List.of(), disconnectThreads(), "Paho disconnect threads alive after close()");
            } finally {
                signal("-CONT", mosquitto.pid());
            }
        }
    }

    private static List<String> disconnectThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.equals("MQTT Disc: " + UNIT)).toList();
    }

    private static void signal(String signal, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start().waitFor(), "kill " + signal);
    }
}
