package cn.egov.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The technician's day, end to end in network namespaces (root), through the same script as
 * {@code run-demo.sh} ({@code image/lab/technician-day.sh}): the manager, the backbone hub, and a
 * box fresh from its distribution for each scenario. Each of the technician's mistakes stops
 * {@code appliance setup} at its step with a sentence that says what to do, and leaves the box as
 * it was; then, with no mistake, the unit is green on the NOC page with every self-test line OK.
 * The day's duration goes to {@code target/technician-day.txt} (recorded in bench/RESULTS.md).
 */
@Tag("netns")
class TechnicianDayIT {
    static final List<String> SCENARIOS = List.of("wrong-token", "swapped-cables", "address-outside-plan", "hub-unreachable",
            "clock-wrong", "green");
    static Path day;
    static int exit;
    static String output;

    @BeforeAll
    static void runTheDay() throws Exception {
        Path target = Path.of(System.getProperty("packages.dir", "target"));
        day = Files.createDirectories(target.resolve("technician-day"));
        Path repo = Path.of("../..").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder(repo.resolve("image/lab/technician-day.sh").toString())
                .redirectErrorStream(true).redirectOutput(target.resolve("technician-day.log").toFile());
        pb.environment().put("BUILD_DIR", System.getProperty("egov.buildDir", "target"));
        pb.environment().put("DEMO_DIR", day.toString());
        pb.environment().put("NS", "td" + ProcessHandle.current().pid() % 10000);
        pb.environment().put("SCENARIOS", String.join(" ", SCENARIOS));
        pb.environment().put("SETUP_WAIT", "30");
        Process p = pb.start();
        if (!p.waitFor(40, TimeUnit.MINUTES)) {
            p.destroy();
            p.waitFor(60, TimeUnit.SECONDS);
            throw new AssertionError("the technician's day did not end in 40 minutes: " + target.resolve("technician-day.log"));
        }
        exit = p.exitValue();
        output = Files.readString(target.resolve("technician-day.log"), StandardCharsets.UTF_8);
    }

    private static String read(String scenario, String file) throws IOException {
        Path f = day.resolve(scenario).resolve(file);
        return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8).strip() : "";
    }

    private static void stoppedAt(String scenario, String step, String... sentences) throws IOException {
        String log = read(scenario, "setup.log");
        assertEquals("1", read(scenario, "setup.exit"), scenario + ": setup must stop\n" + log);
        assertTrue(log.contains(step), scenario + ": stops at " + step + "\n" + log);
        for (String s : sentences) {
            assertTrue(log.contains(s), scenario + ": names the mistake: '" + s + "'\n" + log);
        }
        assertTrue(log.contains("The box is as it was before this step."), log);
        assertTrue(log.contains("FAILED"), log);
    }

    private static boolean enrolled(String scenario) {
        return Files.exists(day.resolve(scenario).resolve("box-data/pki/box.p12"));
    }

    @Test
    void theDayEndsGreenOnTheNocPageWithEverySelfTestLineOk() throws IOException {
        assertEquals(0, exit, output);
        String setup = read("green", "setup.log");
        assertEquals("0", read("green", "setup.exit"), setup);
        for (String step : List.of("[1/6]", "[2/6]", "[3/6]", "[4/6]", "[5/6]", "[6/6]")) {
            assertTrue(setup.contains(step), setup);
        }
        assertTrue(setup.contains("setup complete"), setup);
        String status = read("green", "status.txt");
        assertTrue(status.contains("healthy true"), status);
        assertFalse(status.contains("selftest WARN") || status.contains("selftest FAIL"), status);
        assertTrue(status.lines().filter(l -> l.startsWith("selftest OK")).count() >= 5,
                "tunnel, signed policy, isolation, address plan and MQTT say OK:\n" + status);
        assertFalse(status.contains("alarm MAJOR") || status.contains("alarm CRITICAL"), status);
        String noc = read("green", "noc.txt");
        // the account the day prints logs in with the form, as the NOC's browser would
        assertTrue(noc.contains("NOC log-in: noc-demo logged in with the form at /login"), noc);
        assertTrue(noc.contains("130602-001 CONNECTED (green)"), noc);
        assertTrue(noc.contains("IN_FORCE, route guard NO_ROUTE, signed serial in force 1 (sent 1)"), noc);
        assertTrue(noc.contains("no MAJOR or CRITICAL standing"), noc);
        String ms = Files.readString(day.resolve("green.ms")).strip();
        Files.writeString(day.getParent().resolve("technician-day.txt"), "unpacked box to green on the NOC page: " + ms + " ms\n"
                + output.lines().filter(l -> l.contains("GREEN")).findFirst().orElse("") + "\n");
    }

    @Test
    void aWrongTokenIsRefusedByTheCaAndNothingIsStored() throws IOException {
        stoppedAt("wrong-token", "[2/6]", "the provincial CA did not issue a certificate", "Check the token you typed");
        assertFalse(enrolled("wrong-token"));
    }

    @Test
    void cablesInTheWrongPortsAreNamedBeforeAnythingChanges() throws IOException {
        stoppedAt("swapped-cables", "[1/6]", "The cables of eth1 (zone internal) and eth2 (zone external) are swapped",
                "Exchange the two cables.");
        assertFalse(read("swapped-cables", "setup.log").contains("[2/6]"), "nothing after the first step");
        assertFalse(enrolled("swapped-cables"), "the token is still unused");
    }

    @Test
    void anAddressOutsideThePlanSaysWhatToChangeItTo() throws IOException {
        stoppedAt("address-outside-plan", "[1/6]", "eth1 has 192.168.1.1/24; the plan gives this unit 10.6.8.0/25: change eth1 to 10.6.8.1/25");
        assertFalse(enrolled("address-outside-plan"));
    }

    @Test
    void aHubThatDoesNotAnswerFailsTheTunnelStepWhichIsTakenBack() throws IOException {
        stoppedAt("hub-unreachable", "[3/6]", "the hub 192.0.2.2 does not answer", "Check the uplink cable");
        assertTrue(enrolled("hub-unreachable"), "the enrolment before it stays done: re-running the step needs no new token");
        assertFalse(read("hub-unreachable", "config-after.txt").contains("cn.egov.vpn.tunnel.cfg"), "the tunnel's configuration is taken back");
        String status = read("hub-unreachable", "status.txt");
        assertTrue(status.contains("healthy true"), "no vpn.down stands after the step is taken back:\n" + status);
        assertFalse(status.contains("vpn.down"), status);
    }

    @Test
    void aWrongClockIsNamedBeforeTheTokenIsSpent() throws IOException {
        stoppedAt("clock-wrong", "[2/6]", "clock", "nothing was sent: the token is still unused");
        assertFalse(enrolled("clock-wrong"));
    }
}
