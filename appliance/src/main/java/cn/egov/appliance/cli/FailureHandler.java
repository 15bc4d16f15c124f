package cn.egov.appliance.cli;

import java.io.PrintWriter;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;

/**
 * An exception a command did not handle: one line on stderr, never a stack trace unless
 * {@code --debug} asks for it. Bad input (files, directories, values; see
 * {@link Problems#isUserError}) exits {@link ApplianceCommand#EXIT_BAD_INPUT}, a {@link UserError}
 * its own code, anything else {@link ApplianceCommand#EXIT_INTERNAL}. Commands that report their
 * own outcomes keep doing so; this only catches what escapes them.
 */
final class FailureHandler implements CommandLine.IExecutionExceptionHandler {
    private final BooleanSupplier debug;

    FailureHandler(BooleanSupplier debug) {
        this.debug = debug;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        return report(ex, cmd.getCommandSpec().qualifiedName(), cmd.getErr(), debug.getAsBoolean());
    }

    /** Reports {@code ex} of the command {@code name} on {@code err}; returns the exit code. */
    static int report(Exception ex, String name, PrintWriter err, boolean debug) {
        int code;
        if (ex instanceof UserError u) {
            err.println(name + ": " + Problems.oneLine(u.getMessage()));
            code = u.exitCode();
        } else if (Problems.isUserError(ex)) {
            err.println(name + ": " + Problems.describe(ex));
            code = ApplianceCommand.EXIT_BAD_INPUT;
        } else {
            err.println(name + ": internal error: " + ex.getClass().getName() + ": " + Problems.describe(ex)
                    + (debug ? "" : " (run again with --debug for the stack trace)"));
            code = ApplianceCommand.EXIT_INTERNAL;
        }
        if (debug) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
