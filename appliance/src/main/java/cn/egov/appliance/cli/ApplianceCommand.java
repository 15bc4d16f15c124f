package cn.egov.appliance.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code appliance} command: the edge box's one entry point. Each capability adds its
 * subcommand class to the list below (one class, one file, registered here only).
 *
 * <p>Errors, for every subcommand: a command line that does not parse, and an exception a
 * command lets escape, print one line on stderr ({@link UsageErrorHandler}, {@link FailureHandler});
 * {@code --debug} adds the stack trace. Exit codes: the ones below, plus what each command documents.
 */
@Command(name = "appliance",
        mixinStandardHelpOptions = true,
        version = "egov-edge appliance 0.1.0",
        description = "Edge box of the provincial e-government network.",
        exitCodeListHeading = "Exit codes (every command; each command's help lists its own):%n",
        exitCodeList = {
                "0:success",
                "2:usage error or bad input (an unknown option, a missing file or directory, a bad value): one line on stderr",
                "70:internal error (a fault of the program: run again with --debug for the stack trace)"},
        subcommands = {
                CommandLine.HelpCommand.class,
                AccountCommand.class,
                EnrolCommand.class,
                AuditCommand.class,
                PolicyCommand.class,
                PlanCommand.class,
                RunCommand.class, SetupCommand.class, StatusCommand.class,
                VpnCommand.class,
                PortalCommand.class,
        })
public final class ApplianceCommand implements Runnable {
    public static final int EXIT_OK = 0;
    /** Usage errors and bad input, as picocli's default for a command line that does not parse. */
    public static final int EXIT_BAD_INPUT = 2;
    /** A fault of the program (sysexits EX_SOFTWARE): apart from the commands' own codes 0-3. */
    public static final int EXIT_INTERNAL = 70;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "On an error, print the stack trace after the one-line message.")
    boolean debug;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The command line with the error handling above; what {@link #main} runs (tests run it too). */
    public static CommandLine commandLine() {
        ApplianceCommand root = new ApplianceCommand();
        return new CommandLine(root)
                .setParameterExceptionHandler(new UsageErrorHandler())
                .setExecutionExceptionHandler(new FailureHandler(() -> root.debug));
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
