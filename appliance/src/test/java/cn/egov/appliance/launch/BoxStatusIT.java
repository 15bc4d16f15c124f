package cn.egov.appliance.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code appliance status} against the real box process ({@code bin/appliance run}): healthy while
 * it runs; after {@code kill -9} (its status file still says {@code healthy true}) it reports the
 * box not running, since its last heartbeat, exit 2; a stopped (SIGSTOP) box is not responding
 * once its heartbeat is older than {@code --stale-after}, and healthy again after SIGCONT; a
 * second box on the same data directory is refused.
 */
class BoxStatusIT {

    record Result(int exit, String out, List<String> err) {
    }

    @Test
    void aKilledBoxIsReportedNotRunningSinceItsLastHeartbeat(@TempDir Path root) throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start(root)) {
            BoxFixture box = new BoxFixture(root, broker.url());
            Path appliance = box.dist.resolve("bin/appliance");
            String data = box.data.toString();
            Process process = new ProcessBuilder(appliance.toString(), "run", "--config", box.config.toString(), "--data", data,
                    "--bundles", box.bundles.toString()).redirectErrorStream(true).redirectOutput(root.resolve("box.log").toFile()).start();
            try {
                BoxFixture.await("appliance status exit 0 (log: " + root.resolve("box.log") + ")",
                        () -> !process.isAlive() || status(appliance, "--data", data).exit() == 0);
                assertTrue(process.isAlive(), () -> read(root.resolve("box.log")));
                Result healthy = status(appliance, "--data", data);
                assertTrue(healthy.out().contains("healthy true\n") && healthy.out().contains("pid " + process.pid() + "\n"), healthy.out());

                Result second = run(appliance, "run", "--config", box.config.toString(), "--data", data, "--bundles", box.bundles.toString());
                assertEquals(2, second.exit());
                assertEquals(List.of("appliance run: data directory " + box.data + " is in use by another box (process " + process.pid()
                        + "): stop it first, or give this one its own --data"), second.err());

                // hung: SIGSTOP freezes every thread, the heartbeat stops, the lock stays held
                signal("STOP", process.pid());
                BoxFixture.await("not responding after 2 s without heartbeat",
                        () -> status(appliance, "--data", data, "--stale-after", "2").exit() == 2);
                Result hung = status(appliance, "--data", data, "--stale-after", "2");
                assertEquals(1, hung.err().size(), String.join("\n", hung.err()));
                assertTrue(hung.err().get(0).startsWith("appliance status: the box is not responding since "), hung.err().get(0));
                assertTrue(hung.err().get(0).contains("process " + process.pid() + " is alive"), hung.err().get(0));
                signal("CONT", process.pid());
                BoxFixture.await("healthy again after SIGCONT", () -> status(appliance, "--data", data).exit() == 0);

                // dead: kill -9, no shutdown hook runs, the status file stays as it was
                process.destroyForcibly();
                assertTrue(process.waitFor(BoxFixture.WAIT.toSeconds(), TimeUnit.SECONDS));
                assertEquals(137, process.exitValue(), "128 + SIGKILL");
            } finally {
                if (process.isAlive()) {
                    signal("CONT", process.pid());
                    process.destroyForcibly().waitFor();
                }
            }
            assertTrue(read(box.settings().statusFile()).contains("healthy true\n"), "the dead box's file still says healthy");
            Result dead = status(appliance, "--data", data);
            assertEquals(2, dead.exit());
            assertEquals("", dead.out());
            assertEquals(1, dead.err().size(), String.join("\n", dead.err()));
            String line = dead.err().get(0);
            assertTrue(line.matches("appliance status: the box is not running since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"
                    + " \\(its last heartbeat, \\d+ s ago\\): process " + process.pid() + " is gone; data directory .*"), line);
        }
    }

    private static Result status(Path appliance, String... args) {
        List<String> all = new ArrayList<>(List.of("status"));
        all.addAll(List.of(args));
        try {
            return run(appliance, all.toArray(String[]::new));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Result run(Path appliance, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(appliance.toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p, false));
        String err = drain(p, true);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out.get(), err.lines().toList());
    }

    private static String drain(Process p, boolean err) {
        try {
            return new String((err ? p.getErrorStream() : p.getInputStream()).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void signal(String name, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor());
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
