package cn.egov.manager.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command tree {@code main} builds: the named subcommand alone (start-up cost), all of them for help. */
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
}
