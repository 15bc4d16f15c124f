package cn.egov.pki.est;

/**
 * A local condition stops the enrolment before the CA is asked for anything: the token is not
 * spent. The message names what is wrong and where (a path, the clock).
 */
public final class PreconditionException extends Exception {
    public PreconditionException(String message) {
        super(message);
    }

    public PreconditionException(String message, Throwable cause) {
        super(message, cause);
    }
}
