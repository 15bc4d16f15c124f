package cn.egov.appliance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The shared error handling of {@code appliance}, in process: one line on stderr, the exit code
 * the help documents, the trace only with {@code --debug}. (The same through the real
 * {@code bin/appliance}, JVM and logging included: {@link CliErrorsIT}.)
 */
class ApplianceCommandErrorsTest {

    @TempDir
    Path dir;

    record Run(int exit, List<String> err) {
    }

    /** A command that fails as a program fault would, to see the handler for what no command catches. */
    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException("state of the art");
        }
    }

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = ApplianceCommand.commandLine();
        cl.addSubcommand("boom", new Boom());
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, err.toString().lines().toList());
    }

    @Test
    void anUnknownOptionIsNamedEvenWhenARequiredOneIsMissing() {
        Run r = run("run", "--bogus");
        assertEquals(2, r.exit());
        assertEquals(List.of("appliance run: Unknown option: '--bogus' (see 'appliance run --help')"), r.err());
    }

    @Test
    void aMissingRequiredOptionAloneIsReportedAsSuch() {
        Run r = run("run");
        assertEquals(2, r.exit());
        assertEquals(List.of("appliance run: Missing required option: '--config=DIR' (see 'appliance run --help')"), r.err());
    }

    @Test
    void aMissingConfigurationDirectoryIsOneLineNamingTheOption() {
        Run r = run("run", "--config", dir.resolve("absent").toString(), "--data", dir.resolve("data").toString());
        assertEquals(2, r.exit());
        assertEquals(List.of("appliance run: --config " + dir.resolve("absent") + ": no such directory"), r.err());
    }

    @Test
    void aFileWhereADirectoryBelongsIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("config.txt"), "");
        Run r = run("run", "--config", file.toString(), "--bundles", dir.toString());
        assertEquals(List.of("appliance run: --config " + file + ": not a directory"), r.err());
        assertEquals(2, r.exit());
    }

    @Test
    void aProgramFaultIsOneLineWithExit70AndDebugAddsTheTrace() {
        Run r = run("boom");
        assertEquals(ApplianceCommand.EXIT_INTERNAL, r.exit());
        assertEquals(List.of("appliance boom: internal error: java.lang.IllegalStateException: state of the art"
                + " (run again with --debug for the stack trace)"), r.err());

        Run debug = run("boom", "--debug");
        assertEquals(ApplianceCommand.EXIT_INTERNAL, debug.exit());
        assertEquals("appliance boom: internal error: java.lang.IllegalStateException: state of the art", debug.err().get(0));
        assertEquals("java.lang.IllegalStateException: state of the art", debug.err().get(1));
        assertTrue(debug.err().get(2).strip().startsWith("at cn.egov.appliance.cli.ApplianceCommandErrorsTest$Boom.call"), debug.err().get(2));
    }

    @Test
    void debugIsAcceptedBeforeTheSubcommandToo() {
        Run r = run("--debug", "run", "--config", dir.resolve("absent").toString());
        assertEquals(2, r.exit());
        assertEquals("appliance run: --config " + dir.resolve("absent") + ": no such directory", r.err().get(0));
        assertTrue(r.err().size() > 2 && r.err().get(1).startsWith("cn.egov.appliance.cli.UserError: "), String.join("\n", r.err()));
    }

    @Test
    void fileErrorsSayWhatIsWrongWithThePath() {
        assertEquals("/nonexistent: no such file or directory", Problems.describe(new java.nio.file.NoSuchFileException("/nonexistent")));
        assertEquals("/root/x: permission denied", Problems.describe(new java.nio.file.AccessDeniedException("/root/x")));
        assertEquals("/ro/box.p12: Read-only file system",
                Problems.describe(new java.nio.file.FileSystemException("/ro/box.p12", null, "Read-only file system")));
    }
}
