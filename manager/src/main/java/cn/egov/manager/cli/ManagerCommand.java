package cn.egov.manager.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code manager} command: the provincial side's one entry point. Each capability adds its
 * subcommand class to the list below (one class, one file, registered here only). Errors end in
 * {@link CliErrors}: one line on stderr and a documented exit code; {@code --debug} adds the trace.
 */
@Command(name = "manager",
        mixinStandardHelpOptions = true,
        version = "egov-edge manager 0.1.0",
        description = "Provincial manager of the e-government edge network.",
        exitCodeListHeading = CliErrors.HEADING,
        exitCodeList = {CliErrors.EXIT_OK, " *:see each command's --help"},
        subcommands = {
                CommandLine.HelpCommand.class,
                RunCommand.class, FleetListCommand.class, ConfigKeysCommand.class,
                PlanCommand.class,
                CaCommand.class,
                HubConfigCommand.class,
                PolicyCommand.class,
                AccountCommand.class,
                cn.egov.manager.portal.PortalCommand.class,
        })
public final class ManagerCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "On an error, print the stack trace after the one-line message.")
    boolean debug;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The command line as {@link #main} runs it: error handlers installed (tests run the same). */
    public static CommandLine commandLine() {
        CliErrors errors = new CliErrors();
        return new CommandLine(new ManagerCommand())
                .setExecutionExceptionHandler(errors)
                .setParameterExceptionHandler(errors)
                .setCaseInsensitiveEnumValuesAllowed(true);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
