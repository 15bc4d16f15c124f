package cn.egov.appliance.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.topic.KuraTopic;
import cn.egov.appliance.probe.ProbeBundle;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same bundles on Eclipse Equinox, Kura's framework, with Felix SCR, ConfigAdmin and
 * Metatype: the real launcher ({@code appliance run}) in its own JVM with Equinox in place of
 * Felix on the class path. Proves the bundles stay Kura-compatible.
 */
class BoxRuntimeEquinoxIT {
    private static final int SIGTERM_EXIT = 143;

    @Test
    void theBoxBootsOnEquinoxWithEveryComponentSatisfied(@TempDir Path root) throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start(root)) {
            BoxFixture box = new BoxFixture(root, broker.url());
            MqttClient subscriber = new MqttClient(broker.url(), "it-equinox", new MemoryPersistence());
            subscriber.connect();
            BlockingQueue<byte[]> births = new ArrayBlockingQueue<>(4);
            subscriber.subscribe(KuraTopic.birth("hebei", "130602-001").toString(), 1, (t, m) -> births.offer(m.getPayload()));
            Process process = new ProcessBuilder(command(box)).redirectErrorStream(true)
                    .redirectOutput(root.resolve("box.log").toFile()).start();
            try {
                Path statusFile = box.settings().statusFile();
                BoxFixture.await("telemetry and probe active on Equinox (log: " + root.resolve("box.log") + ")",
                        () -> (read(statusFile).contains("component cn.egov.telemetry.ds.TelemetryComponent ACTIVE")
                                && read(statusFile).contains("component " + ProbeBundle.COMPONENT + " ACTIVE")) || !process.isAlive());
                assertTrue(process.isAlive(), () -> "the box exited: " + read(root.resolve("box.log")));
                String status = read(statusFile);
                assertTrue(status.startsWith("framework org.eclipse.osgi "), status);
                List<String> bundles = status.lines().filter(l -> l.startsWith("bundle ")).toList();
                assertFalse(bundles.isEmpty(), status);
                bundles.forEach(b -> assertTrue(b.endsWith(" ACTIVE") || b.endsWith(" RESOLVED fragment"), b));
                assertTrue(status.contains("component " + ProbeBundle.COMPONENT + " ACTIVE"), status);
                assertTrue(status.contains("component cn.egov.telemetry.identity.IdentityComponent ACTIVE"), status);
                assertTrue(status.contains("component cn.egov.telemetry.ds.TelemetryComponent ACTIVE"), status);
                byte[] birth = births.poll(BoxFixture.WAIT.toSeconds(), TimeUnit.SECONDS);
                assertNotNull(birth, "no BIRTH from the box on Equinox");
                String framework = KuraPayloadCodec.decode(birth).stringMetric(BoxMetrics.OSGI_FRAMEWORK);
                assertTrue(framework.startsWith("Eclipse Equinox 3.21."), framework);
                BoxFixture.await("the probe's configuration", () -> read(box.probeOut).contains("count=3 (Integer)"));

                // the component's verdict on Equinox too, while its old instance is still deactivating
                Path strict = box.config.resolve(ProbeBundle.STRICT_PID + ".cfg");
                Path strictOut = root.resolve("strict.out");
                String slow = "out = " + strictOut + "\nlifecycle.delay.ms = 300\n";
                Files.writeString(strict, slow + "level = 2\n");
                BoxFixture.await("the strict probe to run with level 2", () -> read(strictOut).equals("level=2\n"));
                Files.writeString(strict, slow + "level = 9\n");
                String refusal = "config-rejected " + strict + ":3: refused by the component: " + ProbeBundle.STRICT_COMPONENT;
                BoxFixture.await("the status file to list the refusal of level 9", () -> read(statusFile).contains(refusal));
                BoxFixture.await("the strict probe active again with level 2",
                        () -> read(statusFile).contains("component " + ProbeBundle.STRICT_COMPONENT + " ACTIVE"));
                assertEquals("level=2\n", read(strictOut));
            } finally {
                process.destroy();
                assertTrue(process.waitFor(BoxFixture.WAIT.toSeconds(), TimeUnit.SECONDS), "the box did not stop on SIGTERM");
                subscriber.disconnect();
                subscriber.close();
            }
            // 143 = 128 + SIGTERM: the JVM's exit status after running the shutdown hooks.
            assertEquals(SIGTERM_EXIT, process.exitValue(), () -> read(root.resolve("box.log")));
            assertFalse(Files.exists(box.settings().statusFile()), "the shutdown hook stopped the box (status file removed)");
        }
    }

    /** {@code java -cp <equinox>:<dist lib without Felix>:<dist bundles> ApplianceCommand run ...}, as bin/appliance. */
    private static List<String> command(BoxFixture box) throws Exception {
        Path equinox = Path.of(Class.forName("org.eclipse.osgi.launch.EquinoxFactory")
                .getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> classPath = new ArrayList<>();
        classPath.add(equinox.toString());
        try (Stream<Path> lib = Files.list(box.dist.resolve("lib"))) {
            lib.filter(p -> !p.getFileName().toString().startsWith("org.apache.felix.framework"))
                    .forEach(p -> classPath.add(p.toString()));
        }
        classPath.add(box.dist.resolve("bundles") + File.separator + "*");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return List.of(java.toString(), "-Xmx128m", "-cp", String.join(File.pathSeparator, classPath),
                "cn.egov.appliance.cli.ApplianceCommand", "run", "--config", box.config.toString(),
                "--data", box.data.toString(), "--bundles", box.bundles.toString());
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
