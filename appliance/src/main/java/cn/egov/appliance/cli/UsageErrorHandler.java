package cn.egov.appliance.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;

/**
 * A command line that does not parse: one line naming the problem and where to read the help,
 * exit {@link ApplianceCommand#EXIT_BAD_INPUT}. An unknown option is named even when a required
 * one is missing as well (picocli reports the missing one first, which hides the typo:
 * {@code appliance run --bogus} said "Missing required option '--config'").
 */
final class UsageErrorHandler implements CommandLine.IParameterExceptionHandler {

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String message = ex.getMessage();
        List<String> unmatched = cmd.getUnmatchedArguments();
        if (!(ex instanceof CommandLine.UnmatchedArgumentException) && !unmatched.isEmpty()) {
            message = new CommandLine.UnmatchedArgumentException(cmd, unmatched).getMessage();
        }
        String name = cmd.getCommandSpec().qualifiedName();
        PrintWriter err = cmd.getErr();
        err.println(name + ": " + Problems.oneLine(message) + " (see '" + name + " --help')");
        err.flush();
        return ApplianceCommand.EXIT_BAD_INPUT;
    }
}
