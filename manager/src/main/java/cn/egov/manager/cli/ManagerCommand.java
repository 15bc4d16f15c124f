package cn.egov.manager.cli;

import java.io.PrintStream;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code manager} command: the provincial side's one entry point. Each capability adds its
 * subcommand class to {@link #SUBCOMMANDS} (one class, one file, registered here only). Errors end in
 * {@link CliErrors}: one line on stderr and a documented exit code; {@code --debug} adds the trace.
 */
@Command(name = "manager",
        mixinStandardHelpOptions = true,
        version = ManagerCommand.VERSION,
        description = "Provincial manager of the e-government edge network.",
        exitCodeListHeading = CliErrors.HEADING,
        exitCodeList = {CliErrors.EXIT_OK, " *:see each command's --help"})
public final class ManagerCommand implements Runnable {

    /** What {@code manager --version} prints. */
    static final String VERSION = "egov-edge manager 0.1.0";

    /** The subcommands, in the order the help lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            CommandLine.HelpCommand.class,
            RunCommand.class, FleetListCommand.class, ConfigKeysCommand.class,
            PlanCommand.class,
            CaCommand.class,
            HubConfigCommand.class,
            PolicyCommand.class,
            AccountCommand.class,
            cn.egov.manager.portal.PortalCommand.class,
            UpdateCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "On an error, print the stack trace after the one-line message.")
    boolean debug;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The whole command line with the error handlers installed (tests run it). */
    public static CommandLine commandLine() {
        return commandLine(SUBCOMMANDS);
    }

    /**
     * What {@link #main} runs for {@code args}: when the first argument that is not an option names a
     * subcommand other than {@code help}, the root with that subcommand only; for {@code --version}
     * alone (with {@code --debug} at most) the root without subcommands; else all of them (help,
     * usage errors and unknown commands list every command). picocli reads every registered
     * command's annotations by reflection when the command line is built: for all of them that cost
     * half a second of CPU at each start (bench/RESULTS.md, "start-up").
     */
    static CommandLine forArguments(String... args) {
        for (String a : args) {
            if (!a.startsWith("-")) {
                for (Class<?> c : SUBCOMMANDS) {
                    if (c != CommandLine.HelpCommand.class && c.getAnnotation(Command.class).name().equals(a)) {
                        return commandLine(List.of(c));
                    }
                }
                return commandLine();
            }
        }
        return versionOnly(args) ? commandLine(List.of()) : commandLine();
    }

    /**
     * {@code --version} alone: {@link #VERSION}, as picocli prints it, without building a command line
     * (picocli's own set-up, its type converters and the root's model, is most of the JVM's work for it).
     */
    static boolean printedVersion(PrintStream out, String... args) {
        if (!versionOnly(args)) {
            return false;
        }
        out.println(VERSION);
        out.flush();
        return true;
    }

    /** {@code -V}/{@code --version}, and nothing else but {@code --debug}: the root prints the version without any subcommand. */
    private static boolean versionOnly(String... args) {
        boolean version = false;
        for (String a : args) {
            if (a.equals("-V") || a.equals("--version")) {
                version = true;
            } else if (!a.equals("--debug")) {
                return false;
            }
        }
        return version;
    }

    private static CommandLine commandLine(List<Class<?>> subcommands) {
        CliErrors errors = new CliErrors();
        CommandLine cl = new CommandLine(new ManagerCommand());
        // a loop, not forEach(cl::addSubcommand): a method reference to picocli's CommandLine is resolved
        // when the class-data-sharing archive is dumped, which links CommandLine, and the JDK then leaves
        // that class (Java 5 bytecode) out of the archive (image/packages/cds-archive.sh)
        for (Class<?> c : subcommands) {
            cl.addSubcommand(c);
        }
        return cl.setExecutionExceptionHandler(errors)
                .setParameterExceptionHandler(errors)
                .setCaseInsensitiveEnumValuesAllowed(true);
    }

    public static void main(String[] args) {
        if (printedVersion(System.out, args)) {
            System.exit(CommandLine.ExitCode.OK);
        }
        System.exit(forArguments(args).execute(args));
    }
}
