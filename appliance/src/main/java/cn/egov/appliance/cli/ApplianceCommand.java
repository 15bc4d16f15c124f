package cn.egov.appliance.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code appliance} command: the edge box's one entry point. Each capability adds its
 * subcommand class to the list below (one class, one file, registered here only).
 */
@Command(name = "appliance",
        mixinStandardHelpOptions = true,
        version = "egov-edge appliance 0.1.0",
        description = "Edge box of the provincial e-government network.",
        subcommands = {
                CommandLine.HelpCommand.class,
                EnrolCommand.class,
                AuditCommand.class,
                PolicyCommand.class,
                PlanCommand.class,
                RunCommand.class, StatusCommand.class,
                VpnCommand.class,
                PortalCommand.class,
        })
public final class ApplianceCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ApplianceCommand()).execute(args));
    }
}
