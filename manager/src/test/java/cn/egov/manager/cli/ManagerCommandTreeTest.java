package cn.egov.manager.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The command tree {@code main} builds: the named subcommand alone (start-up cost), none for
 * {@code --version}, all of them for help; and {@code --version}'s own path, without picocli.
 */
class ManagerCommandTreeTest {

    private static List<String> names(CommandLine cl) {
        return List.copyOf(cl.getSubcommands().keySet());
    }

    @Test
    void aNamedCommandIsBuiltAlone() {
        assertEquals(List.of("plan"), names(ManagerCommand.forArguments("plan", "check", "rules/plan")));
        assertEquals(List.of("run"), names(ManagerCommand.forArguments("--debug", "run", "--config", "x")));
    }

    @Test
    void helpAndUnknownCommandsGetTheWholeTree() {
        List<String> all = names(ManagerCommand.commandLine());
        assertEquals(ManagerCommand.SUBCOMMANDS.size(), all.size());
        assertEquals(all, names(ManagerCommand.forArguments("--help")));
        assertEquals(all, names(ManagerCommand.forArguments()));
        assertEquals(all, names(ManagerCommand.forArguments("help", "plan")));
        assertEquals(all, names(ManagerCommand.forArguments("bogus")));
    }

    @Test
    void versionAloneNeedsNoSubcommand() {
        assertEquals(List.of(), names(ManagerCommand.forArguments("--version")));
        assertEquals(List.of(), names(ManagerCommand.forArguments("--debug", "-V")));
        List<String> all = names(ManagerCommand.commandLine());
        // with anything else picocli decides (help wins, an unknown option lists every command)
        assertEquals(all, names(ManagerCommand.forArguments("--version", "--help")));
        assertEquals(all, names(ManagerCommand.forArguments("--version", "--bogus")));
    }

    @Test
    void versionWithoutPicocliPrintsWhatPicocliPrints() {
        StringWriter picocli = new StringWriter();
        CommandLine cl = ManagerCommand.commandLine().setOut(new PrintWriter(picocli));
        assertEquals(0, cl.execute("--version"));

        for (String[] args : new String[][] {{"--version"}, {"-V"}, {"--debug", "--version"}}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertTrue(ManagerCommand.printedVersion(new PrintStream(out, true, StandardCharsets.UTF_8), args));
            assertEquals(picocli.toString().replace(System.lineSeparator(), "\n"), out.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
        }
        ByteArrayOutputStream none = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(none, true, StandardCharsets.UTF_8);
        assertFalse(ManagerCommand.printedVersion(ps));
        assertFalse(ManagerCommand.printedVersion(ps, "--version", "--help"));
        assertFalse(ManagerCommand.printedVersion(ps, "plan", "--version"));
        assertEquals("", none.toString(StandardCharsets.UTF_8));
    }
}
