package cn.egov.appliance.setup;

/** A step cannot go on: the message says what is wrong and what to do, in one sentence. */
public final class SetupException extends Exception {
    public SetupException(String message) {
        super(message);
    }

    public SetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
