package cn.egov.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import cn.egov.telemetry.identity.IdentitySettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The box shuts down while its connect is in flight: the broker's port takes the TCP connection and
 * never answers CONNECT (a hung broker, a half-open path). close() returns with none of Paho's
 * threads of this client left behind: they would hold the socket open, and an OSGi restart of the
 * bundle would pile up one set per restart.
 */
class CloseWhileConnectingTest {

    /** A client id of its own, so that only this box's threads are counted. */
    private static final String UNIT = "130602-077";

    @TempDir
    Path dir;

    @Test
    void closeWhileConnectIsInFlightLeavesNoPahoThreadBehind() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // and never a CONNACK
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-broker");
            acceptor.setDaemon(true);
            acceptor.start();
            Map<String, String> conf = TestIds.config("tcp://127.0.0.1:" + silent.getLocalPort(), dir.resolve("outbox.db"), 3600);
            conf.put(IdentitySettings.UNIT_CODE, UNIT);
            TelemetryRuntime box = TelemetryRuntime.start(IdentitySettings.parse(TestIds.values(conf)),
                    TelemetrySettings.parse(TestIds.values(conf)), "none");
            try {
                BrokerFailoverTest.waitUntil(() -> !accepted.isEmpty() && !pahoThreads().isEmpty(), "a connect in flight");
            } finally {
                box.close();
            }
            assertFalse(box.mqtt().isConnected());
            box.mqtt().close(); // again, as an OSGi deactivate after a failed one may: nothing left to end, and no error
            assertEquals(List.of(), pahoThreads(), () -> "Paho threads of " + UNIT + " alive after close():\n" + stacks());
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    /** Where Paho's threads of this client are, for the failure message. */
    private static String stacks() {
        return Thread.getAllStackTraces().entrySet().stream().filter(e -> e.getKey().getName().endsWith(": " + UNIT))
                .map(e -> e.getKey().getName() + "\n  at " + java.util.Arrays.stream(e.getValue()).map(Object::toString)
                        .collect(Collectors.joining("\n  at ")))
                .collect(Collectors.joining("\n"));
    }

    /** Paho's threads of this client (receiver, sender, callback, connect, disconnect, keep-alive). */
    private static List<String> pahoThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("MQTT ") && n.endsWith(": " + UNIT)).sorted().collect(Collectors.toList());
    }
}
