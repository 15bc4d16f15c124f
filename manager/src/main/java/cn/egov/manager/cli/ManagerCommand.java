package cn.egov.manager.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code manager} command: the provincial side's one entry point. Each capability adds its
 * subcommand class to the list below (one class, one file, registered here only).
 */
@Command(name = "manager",
        mixinStandardHelpOptions = true,
        version = "egov-edge manager 0.1.0",
        description = "Provincial manager of the e-government edge network.",
        subcommands = {
                CommandLine.HelpCommand.class,
                RunCommand.class, FleetListCommand.class, ConfigKeysCommand.class,
                PlanCommand.class,
                CaCommand.class,
                HubConfigCommand.class,
                PolicyCommand.class,
                cn.egov.manager.portal.PortalCommand.class,
        })
public final class ManagerCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ManagerCommand()).execute(args));
    }
}
