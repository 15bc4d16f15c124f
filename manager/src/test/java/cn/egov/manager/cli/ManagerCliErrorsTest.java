package cn.egov.manager.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.ca.HebeiPlan;
import cn.egov.manager.support.ManagerProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The user errors of the manager CLI, each made as a user makes it (a real {@code manager}
 * process): exactly one line on stderr that names what and where, no stack trace and no raw
 * exception text, and the exit code that the command's own --help documents.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagerCliErrorsTest {

    @TempDir
    static Path dir;
    Path caConfig;

    @BeforeAll
    void createCa() throws Exception {
        Path pass = dir.resolve("ca.pass");
        Files.writeString(pass, "cli errors test\n");
        Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-------"));
        caConfig = write("ca.properties", "data.dir = " + dir.resolve("m"), "web.port = 0", "broker.port = 0",
                "ca.passphrase-file = " + pass, "ca.est-port = 0", "ca.http-port = " + freePort(),
                "plan.dir = " + HebeiPlan.DIR.toAbsolutePath().normalize());
        ManagerProcess.Result init = ManagerProcess.run(dir, "ca", "init", "-c", caConfig.toString());
        assertEquals(0, init.exit(), init.toString());
    }

    @Test
    void runWithAnUnknownKey() throws Exception {
        Path f = write("unknown.properties", "data.dir = " + dir.resolve("u"), "web.port = 0", "wbe.port = 8080");
        oneLine(List.of("run", "-c", f.toString()), 2, "unknown.properties:3: unknown key 'wbe.port'");
        Path part = write("unknown-part.properties", "data.dir = " + dir.resolve("u"), "ca.passphrase = secret");
        oneLine(List.of("run", "-c", part.toString()), 2, "unknown-part.properties:2: unknown key 'ca.passphrase'");
        // the portal part's keys are known (line 2 passes), a misspelt one is not
        Path portal = write("unknown-portal.properties", "data.dir = " + dir.resolve("u"), "portal.port = 0", "portal.prot = 8444");
        oneLine(List.of("run", "-c", portal.toString()), 2, "unknown-portal.properties:3: unknown key 'portal.prot'");
    }

    @Test
    void publishToAManagerThatIsNotThere() throws Exception {
        Path token = write("noc.token", "not-a-real-token");
        String url = "http://127.0.0.1:" + freePort();
        // Java's HTTP client throws a refused connection without a message: the line still says what happened
        oneLine(List.of("policy", "publish", "--url", url, "--token-file", token.toString(),
                "--dir", Path.of("../rules/policy/baseline").toAbsolutePath().normalize().toString(), "--scope", "county:130602"),
                2, "cannot publish: " + url + ": cannot connect");
    }

    @Test
    void runWithABadValue() throws Exception {
        Path f = write("bad.properties", "data.dir = " + dir.resolve("b"), "web.port = eighty");
        oneLine(List.of("run", "-c", f.toString()), 2, "bad.properties:2: web.port must be a whole number, got 'eighty'");
        Path ca = write("bad-ca.properties", "data.dir = " + dir.resolve("b"), "ca.passphrase-file = " + dir.resolve("ca.pass"),
                "ca.token-ttl-hours = 0");
        // every part's values are checked when the file is loaded, so the error names the line
        oneLine(List.of("run", "-c", ca.toString()), 2, "bad-ca.properties:3: ca.token-ttl-hours must be a whole number from 1 to 8760, got '0'");
        Path duty = write("bad-duty.properties", "data.dir = " + dir.resolve("b"), "duty.escalation.repeat = 1000");
        oneLine(List.of("run", "-c", duty.toString()), 2, "bad-duty.properties:2: duty.escalation.repeat must be a whole number from 0 to 100, got '1000'");
        Path portal = write("bad-portal.properties", "data.dir = " + dir.resolve("b"), "portal.keep-versions = many");
        oneLine(List.of("run", "-c", portal.toString()), 2, "bad-portal.properties:2: portal.keep-versions must be a whole number from 1 to 10000, got 'many'");
        // a number of days too large for a Duration ended the run as an internal error after the broker had started
        Path noc = write("bad-noc.properties", "data.dir = " + dir.resolve("b"), "noc.series.hour-retention-days = 9223372036854775807");
        oneLine(List.of("run", "-c", noc.toString()), 2,
                "bad-noc.properties:2: noc.series.hour-retention-days must be a whole number from 1 to 2147483647, got '9223372036854775807'");
    }

    @Test
    void runWithAMissingConfigurationFile() throws Exception {
        oneLine(List.of("run", "-c", "nowhere.properties"), 2, "nowhere.properties: no such configuration file");
    }

    @Test
    void runWithABusyWebBrokerOrEstPort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Path web = write("busy-web.properties", "data.dir = " + dir.resolve("w"), "broker.port = 0", "web.port = " + port);
            oneLine(List.of("run", "-c", web.toString()), 3, "web.port " + port + " on 127.0.0.1 is already in use");
            Path broker = write("busy-broker.properties", "data.dir = " + dir.resolve("w"), "web.port = 0", "broker.plain.enabled = true",
                    "broker.port = " + port);
            oneLine(List.of("run", "-c", broker.toString()), 3, "broker.port " + port + " on 127.0.0.1 is already in use");
            Path est = write("busy-est.properties", Files.readString(caConfig).replace("ca.est-port = 0", "ca.est-port = " + port));
            oneLine(List.of("run", "-c", est.toString()), 3, "ca.est-port " + port + " on 127.0.0.1 is already in use");
        }
        assertFalse(Files.exists(dir.resolve("w/broker")), "nothing was started before the ports were checked");
    }

    @Test
    void caRevokeWithASerialThatIsNotHex() throws Exception {
        oneLine(List.of("ca", "revoke", "-c", caConfig.toString(), "ZZZ"), 2, "serial 'ZZZ' is not a hexadecimal serial number");
        oneLine(List.of("ca", "revoke", "-c", caConfig.toString(), "ABC123"), 1, "serial ABC123 is not an unrevoked certificate of this CA");
    }

    @Test
    void caTokenWithAZeroLifetimeOrANameThePlanDoesNotGive() throws Exception {
        oneLine(List.of("ca", "token", "-c", caConfig.toString(), "--unit", "130602-001", "--ttl-hours", "0"), 2,
                "--ttl-hours must be at least 1 (hours), got 0");
        oneLine(List.of("ca", "token", "-c", caConfig.toString(), "--unit", "130602-001", "--domain", "*.gov.cn"), 2, "is a wildcard");
        oneLine(List.of("ca", "token", "-c", caConfig.toString(), "--unit", "130602-001", "--domain", "slj.bd.gov.cn"), 1,
                "belongs to 130600-012");
        oneLine(List.of("ca", "token", "-c", caConfig.toString(), "--unit", "1306"), 2, "unit code '1306' is not of the form CCCCCC-DDD");
    }

    @Test
    void anUnknownOptionOrSubcommand() throws Exception {
        oneLine(List.of("ca", "revoke", "-c", caConfig.toString(), "ABC", "--reasn", "x"), 2, "Unknown option");
        oneLine(List.of("ca", "revok"), 2, "manager ca: Unmatched argument");
    }

    @Test
    void debugAddsTheStackTrace() throws Exception {
        ManagerProcess.Result r = ManagerProcess.run(dir, "run", "-c", "nowhere.properties", "--debug");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.stderrLines().get(0).startsWith("manager run: nowhere.properties: no such configuration file"), r.toString());
        assertTrue(r.stderr().contains("\tat cn.egov.manager.config.ManagerConfig.load"), r.toString());
    }

    /** Runs the command; asserts the exit code, that its help documents it, and one clean line on stderr. */
    private void oneLine(List<String> args, int exit, String says) throws Exception {
        ManagerProcess.Result r = ManagerProcess.run(dir, args.toArray(String[]::new));
        assertEquals(exit, r.exit(), r.toString());
        assertEquals(1, r.stderrLines().size(), "exactly one line on stderr: " + r);
        String line = r.stderrLines().get(0);
        assertTrue(line.startsWith("manager "), line);
        assertTrue(line.contains(says), "'" + says + "' in: " + line);
        assertFalse(line.contains("Exception") || r.stderr().contains("\tat ") || line.contains("For input string") || line.contains("PT0S"), line);
        assertTrue(documented(args, exit), "exit code " + exit + " is listed in the --help of " + args);
    }

    /** True when the help of the (sub)command that {@code args} name lists {@code exit}. */
    private static boolean documented(List<String> args, int exit) {
        CommandLine cmd = ManagerCommand.commandLine();
        for (String a : args) {
            CommandLine sub = cmd.getSubcommands().get(a);
            if (sub == null) {
                break;
            }
            cmd = sub;
        }
        Map<String, String> codes = cmd.getCommandSpec().usageMessage().exitCodeList();
        return codes.keySet().stream().anyMatch(k -> k.strip().equals(Integer.toString(exit)));
    }

    private Path write(String name, String... lines) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
