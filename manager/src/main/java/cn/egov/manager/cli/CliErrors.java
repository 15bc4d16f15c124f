package cn.egov.manager.cli;

import cn.egov.manager.ca.CaRefusal;
import cn.egov.manager.ca.EnrolmentException;
import cn.egov.manager.config.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * How every {@code manager} command ends on an error: exactly one line on stderr,
 * {@code <command>: <what is wrong, and where>}, and an exit code the command's help documents.
 * The stack trace only with {@code --debug}; raw exception text never (an unexpected exception
 * prints its type and the hint to run again with {@code --debug}).
 *
 * <p>Exit codes shared by the commands that end here:
 * <pre>
 *  0  done
 *  1  refused: the CA's rules said no (a unit or domain the plan does not give, an unknown serial)
 *  2  bad input: command line, configuration file, input file
 *  3  cannot start: a port in use, an address not of this machine
 * 70  internal error (a bug: run again with --debug and report the trace)
 * </pre>
 */
final class CliErrors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    static final int OK = 0;
    static final int REFUSED = 1;
    static final int BAD_INPUT = 2;
    static final int CANNOT_START = 3;
    static final int INTERNAL = 70;

    /** The exit code lines for {@code @Command(exitCodeList = ...)}. */
    static final String EXIT_OK = " 0:done";
    static final String EXIT_REFUSED = " 1:refused by the CA's rules (unit or domain not given by the address plan, unknown serial)";
    static final String EXIT_BAD_INPUT = " 2:bad command line, configuration or input file (one line on stderr names it)";
    static final String EXIT_CANNOT_START = " 3:cannot start: a port in use, an address not of this machine";
    static final String EXIT_INTERNAL = "70:internal error (run again with --debug for the stack trace)";
    static final String HEADING = "%nExit codes:%n";

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
        Outcome o = outcome(ex);
        report(cmd, o.message(), debug(parsed) ? ex : null);
        return o.code();
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        report(cmd, ex.getMessage() + " (see '" + name + " --help')", null);
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    private record Outcome(int code, String message) {
    }

    /** The exit code a command ends with on {@code ex}. */
    static int exitCode(Throwable ex) {
        return outcome(ex).code();
    }

    /** The one line a command prints for {@code ex} (as on stderr, without the command's name). */
    static String message(Throwable ex) {
        return oneLine(outcome(ex).message());
    }

    private static Outcome outcome(Throwable ex) {
        if (ex instanceof UserError u) {
            return new Outcome(u.exitCode(), u.getMessage());
        }
        if (ex instanceof ConfigException) {
            return new Outcome(BAD_INPUT, ex.getMessage());
        }
        if (ex instanceof CaRefusal) {
            return new Outcome(REFUSED, ex.getMessage());
        }
        if (ex instanceof EnrolmentException e) {
            return new Outcome(e.httpStatus() == 403 ? REFUSED : BAD_INPUT, ex.getMessage());
        }
        if (ex instanceof NoSuchFileException f) {
            return new Outcome(BAD_INPUT, f.getFile() + ": no such file");
        }
        if (ex instanceof AccessDeniedException f) {
            return new Outcome(BAD_INPUT, f.getFile() + ": permission denied");
        }
        if (ex instanceof java.sql.SQLException) {
            return new Outcome(BAD_INPUT, "cannot open or read the manager's store; check data.dir and db.url (--debug shows the database's answer)");
        }
        if (ex instanceof CharacterCodingException) {
            return new Outcome(BAD_INPUT, "an input file is not UTF-8 text");
        }
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return new Outcome(CANNOT_START, "a port is in use or the address is not of this machine (" + t.getMessage() + ")");
            }
        }
        // our own refusals are written for users; a library's NumberFormatException and the like are not
        if (ex instanceof IllegalArgumentException && !(ex instanceof NumberFormatException) && ex.getMessage() != null) {
            return new Outcome(BAD_INPUT, ex.getMessage());
        }
        if ((ex instanceof IOException || ex instanceof GeneralSecurityException) && ex.getMessage() != null) {
            return new Outcome(BAD_INPUT, ex.getMessage());
        }
        return new Outcome(INTERNAL, "internal error (" + ex.getClass().getSimpleName() + "); run again with --debug for the stack trace");
    }

    /**
     * One line for a failed request to the running manager. Java's HTTP client throws some failures
     * without a message (a refused connection is a bare ConnectException), so the kind is named.
     */
    static String httpFailure(String url, IOException e) {
        String what = null;
        for (Throwable t = e; t != null && what == null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                what = "cannot connect (refused, or no route to it)";
            } else if (t instanceof java.net.http.HttpTimeoutException) {
                what = "no answer in time";
            } else if (t instanceof javax.net.ssl.SSLException) {
                what = "TLS failed (" + t.getMessage() + "); is the manager's CA in the trust store?";
            }
        }
        if (what == null) {
            Throwable t = e;
            while (t.getMessage() == null && t.getCause() != null) {
                t = t.getCause();
            }
            what = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        }
        return url + ": " + oneLine(what);
    }

    private static void report(CommandLine cmd, String message, Throwable trace) {
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + oneLine(message));
        if (trace != null) {
            trace.printStackTrace(err);
        }
        err.flush();
    }

    /** Control characters (a newline in a file name or a message) become blanks: one line, always. */
    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ").strip();
    }

    /** True when --debug was given anywhere on the command line (it is inherited by every subcommand). */
    private static boolean debug(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }
}
