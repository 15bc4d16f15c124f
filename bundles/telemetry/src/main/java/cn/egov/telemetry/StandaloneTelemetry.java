package cn.egov.telemetry;

import cn.egov.api.identity.BoxIdentity;
import cn.egov.telemetry.identity.IdentitySettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the telemetry stack outside OSGi, configured by one properties file holding the keys of
 * both PIDs ({@code cn.egov.identity} and {@code cn.egov.telemetry}).
 *
 * <pre>
 * java -cp ... cn.egov.telemetry.StandaloneTelemetry box.properties [--generate N [--seed S]]
 * </pre>
 *
 * It runs until SIGTERM/SIGINT (then publishes DC and disconnects). {@code --generate N} first
 * queues N synthetic messages of mixed priorities ({@link SyntheticLoad}) and prints
 * {@code generated N} once they are committed.
 */
public final class StandaloneTelemetry {
    private StandaloneTelemetry() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: StandaloneTelemetry <box.properties> [--generate N [--seed S]]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        int generate = 0;
        long seed = 1;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--generate" -> generate = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        ConfigValues config = new ConfigValues(file.toString(), load(file));
        BoxIdentity identity;
        TelemetrySettings settings;
        try {
            identity = IdentitySettings.parse(config);
            settings = TelemetrySettings.parse(config);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        TelemetryRuntime runtime = TelemetryRuntime.start(identity, settings, "none");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runtime.close();
            stopped.countDown();
        }, "telemetry-shutdown"));
        if (generate > 0) {
            SyntheticLoad.generate(runtime.outbox(), settings.mqtt().account(), identity.clientId(), generate, seed);
            System.out.println("generated " + generate);
        }
        System.out.println("started " + identity.clientId());
        System.out.flush();
        stopped.await();
    }

    static Map<String, String> load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> map = new HashMap<>();
        p.stringPropertyNames().forEach(k -> map.put(k, p.getProperty(k)));
        return map;
    }
}
