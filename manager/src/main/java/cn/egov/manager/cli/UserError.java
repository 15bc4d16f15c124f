package cn.egov.manager.cli;

/**
 * A problem the user can fix, found by a command: {@link CliErrors} prints its message as one
 * line and exits with its code.
 */
final class UserError extends RuntimeException {

    private final int exitCode;

    UserError(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }

    /** Bad command line, configuration or input file: exit {@link CliErrors#BAD_INPUT}. */
    static UserError badInput(String message) {
        return new UserError(CliErrors.BAD_INPUT, message);
    }

    /** Something the command needs is not available (a port in use): exit {@link CliErrors#CANNOT_START}. */
    static UserError cannotStart(String message) {
        return new UserError(CliErrors.CANNOT_START, message);
    }
}
