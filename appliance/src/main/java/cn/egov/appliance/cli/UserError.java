package cn.egov.appliance.cli;

/**
 * Something the person running the command can fix (a missing directory, a bad option value):
 * reported as its message alone, on one line, with {@link #exitCode()}.
 */
public final class UserError extends RuntimeException {
    private final int exitCode;

    public UserError(String message) {
        this(message, ApplianceCommand.EXIT_BAD_INPUT, null);
    }

    public UserError(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
