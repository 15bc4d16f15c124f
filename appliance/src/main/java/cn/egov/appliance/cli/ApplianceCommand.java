package cn.egov.appliance.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code appliance} command: the edge box's one entry point. Each capability adds its
 * subcommand class to {@link #register} (one class, one file, registered here only).
 *
 * <p>A run of one command builds only that command's model: picocli reads every registered
 * command's annotations by reflection when the command line is built, which cost a quarter of a
 * second of CPU for all of them at each start (bench/RESULTS.md, "start-up"). Help and unknown
 * commands get the whole tree.
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
                "70:internal error (a fault of the program: run again with --debug for the stack trace)"})
public final class ApplianceCommand implements Runnable {
    /**
     * The subcommands by name, in the order the help lists them. Built at first use: an audit that
     * {@link AuditShortcut} runs never needs it, and its twelve method references cost ~10 ms of
     * bootstrapping in a fresh JVM (bench/RESULTS.md, "start-up", run 9).
     */
    static Map<String, Supplier<Object>> subcommands() {
        return Registry.SUBCOMMANDS;
    }

    private static final class Registry {
        static final Map<String, Supplier<Object>> SUBCOMMANDS = register();
    }

    private static Map<String, Supplier<Object>> register() {
        Map<String, Supplier<Object>> m = new LinkedHashMap<>();
        // a lambda, not HelpCommand::new: a constructor reference is resolved when the class-data-sharing
        // archive is dumped, which links picocli's HelpCommand (Java 5 bytecode), and the JDK leaves a
        // linked class of that age out of the archive
        m.put("help", () -> new CommandLine.HelpCommand());
        m.put("account", AccountCommand::new);
        m.put("enrol", EnrolCommand::new);
        m.put("audit", AuditCommand::new);
        m.put("policy", PolicyCommand::new);
        m.put("plan", PlanCommand::new);
        m.put("run", RunCommand::new);
        m.put("setup", SetupCommand::new);
        m.put("status", StatusCommand::new);
        m.put("update", UpdateCommand::new);
        m.put("vpn", VpnCommand::new);
        m.put("portal", PortalCommand::new);
        return m;
    }

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

    /** The whole command line with the error handling above (tests run it). */
    public static CommandLine commandLine() {
        return commandLine(subcommands().keySet().toArray(String[]::new));
    }

    /**
     * What {@link #main} runs for {@code args}: the root and, when the first argument that is not
     * an option names a subcommand other than {@code help}, that subcommand only; else all of them.
     */
    static CommandLine forArguments(String... args) {
        for (String a : args) {
            if (!a.startsWith("-")) {
                return subcommands().containsKey(a) && !a.equals("help") ? commandLine(a) : commandLine();
            }
        }
        return commandLine();
    }

    private static CommandLine commandLine(String... names) {
        ApplianceCommand root = new ApplianceCommand();
        CommandLine cl = new CommandLine(root);
        for (String name : names) {
            cl.addSubcommand(name, subcommands().get(name).get());
        }
        return cl.setParameterExceptionHandler(new UsageErrorHandler())
                .setExecutionExceptionHandler(new FailureHandler(() -> root.debug));
    }

    public static void main(String[] args) {
        // an audit whose command line plainly parses starts without picocli (AuditShortcut)
        Integer audit = AuditShortcut.run(args);
        System.exit(audit != null ? audit : forArguments(args).execute(args));
    }
}
