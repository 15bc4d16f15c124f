package cn.egov.telemetry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** A box as a separate JVM running {@link StandaloneTelemetry} with the test class path. */
public final class BoxProcess implements AutoCloseable {
    private final Process process;
    private final Path out;

    private BoxProcess(Process process, Path out) {
        this.process = process;
        this.out = out;
    }

    public static Path writeConfig(Path dir, Map<String, String> values) throws IOException {
        Files.createDirectories(dir);
        Properties p = new Properties();
        p.putAll(values);
        Path file = dir.resolve("box.properties");
        try (var w = Files.newBufferedWriter(file)) {
            p.store(w, "test box");
        }
        return file;
    }

    public static BoxProcess start(Path config, Path out, String... extraArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                StandaloneTelemetry.class.getName(), config.toString()));
        cmd.addAll(List.of(extraArgs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        return new BoxProcess(p, out);
    }

    /** Waits until the box prints a line starting with {@code prefix}. */
    public void awaitOutput(String prefix, long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(out) && Files.readAllLines(out).stream().anyMatch(l -> l.startsWith(prefix))) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("box exited with " + process.exitValue() + ":\n" + Files.readString(out));
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("box did not print '" + prefix + "' within " + timeoutMs + " ms:\n" + Files.readString(out));
    }

    /** SIGKILL: no shutdown hook, no DC, no clean close of SQLite. */
    public void kill9() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -KILL " + process.pid() + " failed");
        }
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM: the shutdown hook publishes DC and disconnects. */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return process.waitFor();
    }

    public String output() throws IOException {
        return Files.readString(out);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
