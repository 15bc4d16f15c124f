package cn.egov.appliance.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.lab.NetLab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code appliance status} tells the truth about conditions, through the real box process: every
 * component runs, but the isolation policy it was given is refused (its directory is missing), so
 * the box is not healthy (exit 1) and the status names the MAJOR condition and the self-test says
 * what is wrong; once a valid policy is configured it is in force, the condition is cleared and
 * the box is healthy again. nft runs in a namespace of the test's own (root).
 */
@Tag("netns")
class StandingConditionIT {

    @Test
    void aRefusedPolicyKeepsTheBoxUnhealthyUntilAPolicyIsInForce(@TempDir Path root) throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start(root); NetLab lab = NetLab.create("cond")) {
            String ns = lab.host("box");
            BoxFixture box = new BoxFixture(root, broker.url());
            Path appliance = box.dist.resolve("bin/appliance");
            String data = box.data.toString();
            Process process = new ProcessBuilder(appliance.toString(), "run", "--config", box.config.toString(), "--data", data,
                    "--bundles", box.bundles.toString()).redirectErrorStream(true).redirectOutput(root.resolve("box.log").toFile()).start();
            try {
                BoxFixture.await("healthy before any policy (log: " + root.resolve("box.log") + ")",
                        () -> !process.isAlive() || status(appliance, data).exit() == 0);
                assertTrue(process.isAlive(), () -> read(root.resolve("box.log")));

                Path missing = root.resolve("policy-missing");
                writeEnforcement(box, ns, missing);
                BoxFixture.await("unhealthy with the refused policy", () -> status(appliance, data).out().contains("alarm MAJOR isolation.policy.rejected"));
                Cli refused = status(appliance, data);
                assertEquals(1, refused.exit(), refused.out());
                assertTrue(refused.out().contains("healthy false\n"), refused.out());
                assertTrue(refused.out().contains("component cn.egov.isolation.enforce.PolicyEnforcementComponent ACTIVE"), "every component runs: " + refused.out());
                BoxFixture.await("the self-test names the refused policy", () -> status(appliance, data).out()
                        .contains("selftest FAIL 隔离策略 Isolation policy and route guard: No isolation policy is in force: the policy was refused ("
                                + missing));

                Path policy = root.resolve("policy");
                copyBaseline(policy);
                writeEnforcement(box, ns, policy);
                BoxFixture.await("healthy with the policy in force", () -> status(appliance, data).exit() == 0);
                Cli inForce = status(appliance, data);
                assertFalse(inForce.out().contains("isolation.policy.rejected"), "the condition is cleared: " + inForce.out());
                BoxFixture.await("the self-test says the policy is in force", () -> status(appliance, data).out()
                        .contains("selftest OK 隔离策略 Isolation policy and route guard: Policy hebei-baseline "));
                assertTrue(lab.exec(ns, "nft", "list", "tables").contains("table inet egov"), "the policy is in the namespace");
            } finally {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
        }
    }

    private static void writeEnforcement(BoxFixture box, String ns, Path dir) throws IOException {
        Files.writeString(box.config.resolve("cn.egov.isolation.enforce.cfg"), String.join("\n",
                "policy.directory = " + dir,
                "nft.command = ip netns exec " + ns + " nft",
                "ip.command = ip netns exec " + ns + " ip",
                "lock.file = ${data}/nft.lock",
                "signed.state.directory = ${data}/policy-bundle",
                "route.guard.enabled = false",
                ""), StandardCharsets.UTF_8);
    }

    private static void copyBaseline(Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(Path.of("../rules/policy/baseline"))) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    record Cli(int exit, String out, List<String> err) {
    }

    private static Cli status(Path appliance, String data) {
        try {
            Process p = new ProcessBuilder(appliance.toString(), "status", "--data", data).start();
            p.getOutputStream().close();
            var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            String out = readAll(p.getInputStream());
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            return new Cli(p.exitValue(), out, err.get().lines().toList());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readAll(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
