package cn.egov.telemetry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto on a free loopback port, for tests. Debian's defaults drop messages to slow
 * subscribers (max_queued_messages 1000), so the queue limits are raised. With persistence on,
 * a restart keeps persistent sessions and the messages queued for them.
 */
public final class MosquittoBroker implements AutoCloseable {
    private static final long START_TIMEOUT_MS = 10_000;
    private final Path dir;
    private final int port;
    private final boolean persistent;
    private Process process;

    private MosquittoBroker(Path dir, int port, boolean persistent) {
        this.dir = dir;
        this.port = port;
        this.persistent = persistent;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Prepares a broker on {@code port} without starting it. */
    public static MosquittoBroker on(Path dir, int port, boolean persistent) throws IOException {
        Files.createDirectories(dir);
        return new MosquittoBroker(dir, port, persistent);
    }

    public static MosquittoBroker startNew(Path dir) throws IOException, InterruptedException {
        MosquittoBroker b = on(dir, freePort(), false);
        b.start();
        return b;
    }

    public void start() throws IOException, InterruptedException {
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, String.join("\n",
                // Stay root: as root, Mosquitto otherwise drops to user mosquitto and cannot write the temp dir.
                "user root",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                "max_queued_messages 1000000",
                "max_queued_bytes 1000000000",
                // No limit: a QoS 1 message goes to the subscriber's socket before its PUBACK to the
                // publisher, so what a frozen broker acknowledged has reached its subscribers.
                "max_inflight_messages 0",
                "persistence " + persistent,
                "persistence_location " + dir + "/",
                "log_dest file " + dir.resolve("mosquitto.log"),
                "log_type all",
                ""));
        process = new ProcessBuilder("mosquitto", "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.out").toFile()).start();
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto exited: " + Files.readString(dir.resolve("mosquitto.out")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("mosquitto did not listen on " + port);
    }

    /** Stops with SIGTERM, so that a persistent broker saves its sessions. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** SIGSTOP: the broker stops reading and acknowledging; what it already wrote still reaches its clients. */
    public void freeze() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** SIGCONT: a frozen broker runs again (and can then be stopped cleanly). */
    public void thaw() throws IOException, InterruptedException {
        signal("-CONT");
    }

    /** SIGKILL: no clean shutdown, sockets reset, nothing saved. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(); // Process.destroyForcibly is SIGKILL on Linux
    }

    private void signal(String signal) throws IOException, InterruptedException {
        int rc = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (rc != 0) {
            throw new IllegalStateException("kill " + signal + " " + process.pid() + " exited " + rc);
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public Path log() {
        return dir.resolve("mosquitto.log");
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
