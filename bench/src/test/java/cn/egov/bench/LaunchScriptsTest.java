package cn.egov.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The two commands users run from a source build start: {@code manager/bin/manager} and the
 * box's {@code bin/appliance} (this module is built last, so both are packaged by now). The
 * manager script once picked the manager's test jar, which sorts before the real one.
 */
class LaunchScriptsTest {

    /** The build folder in use ({@code target}, or what {@code -Degov.buildDir} chose): where these test classes are. */
    private static String buildDir() throws Exception {
        Path classes = Path.of(LaunchScriptsTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return classes.getParent().getFileName().toString();
    }

    private static String run(List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("EGOV_BUILD_DIR", buildDir());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "still running: " + command);
        assertEquals(0, p.exitValue(), command + ": " + out);
        return out;
    }

    @Test
    void managerScriptRunsTheManagerJar() throws Exception {
        String out = run(List.of("../manager/bin/manager", "--help"));
        assertTrue(out.contains("Usage: manager"), out);
    }

    @Test
    void applianceScriptRunsFromTheDistribution() throws Exception {
        String out = run(List.of("../appliance/" + buildDir() + "/dist/bin/appliance", "--help"));
        assertTrue(out.contains("Usage: appliance"), out);
    }
}
