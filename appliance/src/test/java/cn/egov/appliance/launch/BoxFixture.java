package cn.egov.appliance.launch;

import cn.egov.appliance.probe.ProbeBundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A box laid out for one test: the assembled distribution's bundles plus the probe bundle, the
 * shipped default configuration pointed at the test's broker, and a probe configuration.
 */
final class BoxFixture {
    static final Duration WAIT = Duration.ofSeconds(60);

    final Path dist;
    final Path bundles;
    final Path config;
    final Path data;
    final Path probeOut;

    BoxFixture(Path root, String brokerUrl) throws IOException {
        String distProperty = System.getProperty("appliance.dist");
        if (distProperty == null) {
            throw new IllegalStateException("system property appliance.dist is not set: run with 'mvn verify'");
        }
        dist = Path.of(distProperty);
        bundles = Files.createDirectories(root.resolve("bundles"));
        try (Stream<Path> jars = Files.list(dist.resolve("bundles"))) {
            for (Path jar : jars.toList()) {
                Files.createSymbolicLink(bundles.resolve(jar.getFileName()), jar);
            }
        }
        ProbeBundle.write(bundles.resolve("probe.jar"));
        config = Files.createDirectories(root.resolve("config"));
        try (Stream<Path> files = Files.list(dist.resolve("config"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(file, StandardCharsets.UTF_8)
                        .replace("tcp://127.0.0.1:1883", brokerUrl)
                        // tests need no fsync per message
                        .replace("outbox.sync = FULL", "outbox.sync = NORMAL")
                        // parallel runs must not collide: the console takes any free port, on loopback
                        .replace("console.port = 8443", "console.port = 0").replace("console.bind = 0.0.0.0", "console.bind = 127.0.0.1");
                Files.writeString(config.resolve(file.getFileName()), text, StandardCharsets.UTF_8);
            }
        }
        // No cn.egov.isolation.enforce.cfg: the isolation bundle enforces only once its file exists,
        // so the host's ruleset is left alone (as on any box that 'appliance setup' has not set up).
        data = root.resolve("data");
        probeOut = root.resolve("probe.out");
        writeProbeConfig("greeting = hello\ncount = 3\n");
    }

    LaunchSettings settings() {
        return new LaunchSettings(config, data, bundles);
    }

    Path probeConfig() {
        return config.resolve(ProbeBundle.PID + ".cfg");
    }

    void writeProbeConfig(String options) throws IOException {
        Files.writeString(probeConfig(), "# probe\nout = " + probeOut + "\n" + options, StandardCharsets.UTF_8);
    }

    String probeOutput() throws IOException {
        return Files.exists(probeOut) ? Files.readString(probeOut, StandardCharsets.UTF_8) : "";
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + WAIT.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
