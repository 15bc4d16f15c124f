package cn.egov.appliance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each user error of the box's command line, through the real {@code bin/appliance} of the
 * assembled distribution (its JVM, class path and logging): exactly one line on stderr, no stack
 * trace, and the exit code the command's help documents.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliErrorsIT {
    private static final String FINGERPRINT = "52:9E:FB:" + "00:".repeat(28) + "0D";

    @TempDir
    Path dir;
    Path appliance;

    record Result(int exit, String out, List<String> err) {
        /** The one stderr line, after checking there is exactly one and it is not a trace. */
        String line() {
            assertEquals(1, err.size(), () -> "expected one line on stderr, got:\n" + String.join("\n", err));
            assertFalse(err.get(0).contains("Exception") && err.get(0).contains("\tat "), err.get(0));
            return err.get(0);
        }
    }

    @BeforeAll
    void findTheDistribution() {
        String dist = System.getProperty("appliance.dist");
        if (dist == null) {
            throw new IllegalStateException("system property appliance.dist is not set: run with 'mvn verify'");
        }
        appliance = Path.of(dist, "bin", "appliance");
        assertTrue(Files.isExecutable(appliance), appliance + " is not built");
    }

    private Result run(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(appliance.toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).start();
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p, false));
        String err = read(p, true);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "appliance " + String.join(" ", args) + " did not finish");
        return new Result(p.exitValue(), out.get(), err.lines().toList());
    }

    private static String read(Process p, boolean err) {
        try {
            return new String((err ? p.getErrorStream() : p.getInputStream()).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private List<String> enrol(String manager, String... more) {
        List<String> args = new ArrayList<>(List.of("enrol", "--manager", manager, "--unit", "130602-001", "--token", "t0ken",
                "--key-store", dir.resolve("pki/box.p12").toString()));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void runWithAnUnknownOptionNamesIt() throws Exception {
        Result r = run("run", "--bogus");
        assertEquals("appliance run: Unknown option: '--bogus' (see 'appliance run --help')", r.line());
        assertEquals(2, r.exit());
    }

    @Test
    void runWithAMissingConfigurationDirectoryNamesIt() throws Exception {
        Path missing = dir.resolve("no-config");
        Result r = run("run", "--config", missing.toString(), "--data", dir.resolve("data").toString());
        assertEquals("appliance run: --config " + missing + ": no such directory", r.line());
        assertEquals(2, r.exit());
    }

    @Test
    void debugAddsTheTraceAfterTheSameLine() throws Exception {
        Path missing = dir.resolve("no-config");
        Result r = run("run", "--config", missing.toString(), "--debug");
        assertEquals(2, r.exit());
        assertEquals("appliance run: --config " + missing + ": no such directory", r.err().get(0));
        assertTrue(r.err().stream().anyMatch(l -> l.startsWith("\tat cn.egov.appliance.cli.RunCommand")), String.join("\n", r.err()));
    }

    @Test
    void enrolWithTheManagerDownSaysConnectionRefused() throws Exception {
        int port = closedPort();
        Result r = run(enrol("https://127.0.0.1:" + port, "--root-fingerprint", FINGERPRINT).toArray(String[]::new));
        assertEquals("appliance enrol: enrolment failed: cannot reach the EST server: connection refused by 127.0.0.1:" + port
                + " (is the manager running, and is this its EST port?)", r.line());
        assertEquals(1, r.exit());
    }

    @Test
    void enrolWithAManagerAddressThatIsNotAUrlSaysWhatToType() throws Exception {
        for (String typed : List.of("127.0.0.1:8443", "ca.hebei.gov.cn:8443", "http://127.0.0.1:8081")) {
            Result r = run(enrol(typed, "--root-fingerprint", FINGERPRINT).toArray(String[]::new));
            assertEquals("appliance enrol: Invalid value for option '--manager': must be the manager's EST address like"
                    + " https://MANAGER:8443, got '" + typed + "' (see 'appliance enrol --help')", r.line());
            assertEquals(2, r.exit());
        }
    }

    @Test
    void enrolWithAnUnknownHostNamesTheHost() throws Exception {
        Result r = run(enrol("https://ca.nonexistent.invalid:8443", "--root-fingerprint", FINGERPRINT).toArray(String[]::new));
        assertEquals("appliance enrol: enrolment failed: cannot reach the EST server: unknown host ca.nonexistent.invalid"
                + " (check the URL and the box's DNS)", r.line());
        assertEquals(1, r.exit());
    }

    @Test
    void enrolAgainstAServerThatDoesNotSpeakTlsSaysWhy() throws Exception {
        try (ServerSocket plain = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                // a plain HTTP server (e.g. the manager's CRL/OCSP port): reads the request, answers in clear text;
                // every connection the client makes (one accepted only, a second attempt waited in the backlog
                // until the client's timeout: failed once in a full suite)
                while (!plain.isClosed()) {
                    try (Socket s = plain.accept()) {
                        s.getInputStream().read(new byte[4096]);
                        s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        s.getInputStream().read(new byte[4096]);
                    } catch (IOException ignored) {
                        // the client hangs up, or the test closes the socket: the client's message is what the test reads
                    }
                }
            });
            server.setDaemon(true);
            server.start();
            Result r = run(enrol("https://127.0.0.1:" + plain.getLocalPort(), "--root-fingerprint", FINGERPRINT, "--timeout", "10")
                    .toArray(String[]::new));
            String line = r.line();
            assertTrue(line.startsWith("appliance enrol: enrolment failed: cannot reach the EST server: TLS handshake with 127.0.0.1:"
                    + plain.getLocalPort() + " failed: the server does not speak TLS on this port ("), line);
            assertFalse(line.endsWith("null"), line);
            assertEquals(1, r.exit());
        }
    }

    @Test
    void enrolWithASilentServerTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Result r = run(enrol("https://127.0.0.1:" + silent.getLocalPort(), "--root-fingerprint", FINGERPRINT, "--timeout", "1")
                    .toArray(String[]::new));
            assertEquals("appliance enrol: enrolment failed: cannot reach the EST server: no connection to 127.0.0.1:"
                    + silent.getLocalPort() + " within 1 s (timeout in the TCP connect or the TLS handshake)", r.line());
            assertEquals(1, r.exit());
        }
    }

    @Test
    void enrolWithAMissingCaFileNamesTheOption() throws Exception {
        Result r = run(enrol("https://127.0.0.1:" + closedPort(), "--ca-file", "/nonexistent").toArray(String[]::new));
        assertEquals("appliance enrol: --ca-file /nonexistent: no such file", r.line());
        assertEquals(2, r.exit());
    }

    @Test
    void enrolWithAMissingOrEmptyPasswordFileNamesIt() throws Exception {
        Result missing = run(enrol("https://127.0.0.1:" + closedPort(), "--root-fingerprint", FINGERPRINT,
                "--key-store-password-file", "/nonexistent").toArray(String[]::new));
        assertEquals("appliance enrol: --key-store-password-file /nonexistent: no such file", missing.line());
        assertEquals(2, missing.exit());

        Path empty = Files.writeString(dir.resolve("empty-password"), "\n");
        Result blank = run(enrol("https://127.0.0.1:" + closedPort(), "--root-fingerprint", FINGERPRINT,
                "--key-store-password-file", empty.toString()).toArray(String[]::new));
        assertTrue(blank.line().startsWith("appliance enrol: --key-store-password-file " + empty + ": is empty;"), blank.line());
        assertEquals(2, blank.exit());
    }

    @Test
    void enrolWithAnUnwritableKeyStoreStopsBeforeTheCa() throws Exception {
        // the manager's port is closed: had the CA been contacted, this would read "connection refused", exit 1
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        List<String> args = new ArrayList<>(List.of("enrol", "--manager", "https://127.0.0.1:" + closedPort(), "--unit", "130602-001",
                "--token", "t0ken", "--root-fingerprint", FINGERPRINT, "--key-store", file.resolve("box.p12").toString()));
        Result r = run(args.toArray(String[]::new));
        assertEquals("appliance enrol: key store " + file.resolve("box.p12") + " cannot be created: " + file
                + " is not a directory (nothing was sent: the token is still unused)", r.line());
        assertEquals(2, r.exit());
    }

    @Test
    void enrolResumeWithNothingPendingSaysSo() throws Exception {
        Result r = run("enrol", "--resume", "--key-store", dir.resolve("pki/box.p12").toString());
        assertEquals("appliance enrol: nothing to resume: no pending enrolment " + dir.resolve("pki/box.p12.pending"), r.line());
        assertEquals(2, r.exit());
    }

    @Test
    void statusOfADirectoryWhereNoBoxRanIsNotRunning() throws Exception {
        Result r = run("status", "--data", dir.resolve("never").toString());
        assertTrue(r.line().startsWith("appliance status: no box is running with data directory " + dir.resolve("never")), r.line());
        assertEquals(2, r.exit());
        assertEquals("", r.out());
    }
}
