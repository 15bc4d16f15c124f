package cn.egov.appliance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The command tree {@code main} builds: one subcommand when the arguments name one (start-up cost),
 * all of them for help; each registered name is the command's own.
 */
class ApplianceCommandTreeTest {

    private static List<String> names(CommandLine cl) {
        return List.copyOf(cl.getSubcommands().keySet());
    }

    @Test
    void eachNameIsTheCommandsOwn() {
        for (Map.Entry<String, java.util.function.Supplier<Object>> e : ApplianceCommand.subcommands().entrySet()) {
            assertEquals(e.getKey(), new CommandLine(e.getValue().get()).getCommandName());
        }
    }

    @Test
    void aNamedCommandIsBuiltAlone() {
        assertEquals(List.of("audit"), names(ApplianceCommand.forArguments("audit", "--pcap", "x")));
        assertEquals(List.of("policy"), names(ApplianceCommand.forArguments("--debug", "policy", "apply", "dir")));
    }

    @Test
    void helpAndUnknownCommandsGetTheWholeTree() {
        List<String> all = List.copyOf(ApplianceCommand.subcommands().keySet());
        assertEquals(all, names(ApplianceCommand.forArguments("--help")));
        assertEquals(all, names(ApplianceCommand.forArguments()));
        assertEquals(all, names(ApplianceCommand.forArguments("help", "audit")));
        assertEquals(all, names(ApplianceCommand.forArguments("bogus")));
    }
}
