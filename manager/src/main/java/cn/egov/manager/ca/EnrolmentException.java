package cn.egov.manager.ca;

/**
 * A refused enrolment or issuance: bad CSR, bad token, wrong names. Carries the HTTP status the
 * EST server answers with; the message says exactly what was wrong and is sent to the client.
 */
public final class EnrolmentException extends Exception {
    private final int httpStatus;

    public EnrolmentException(int httpStatus, String message) {
        super(message);
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public static EnrolmentException badRequest(String message) {
        return new EnrolmentException(400, message);
    }

    public static EnrolmentException unauthorised(String message) {
        return new EnrolmentException(401, message);
    }

    public static EnrolmentException forbidden(String message) {
        return new EnrolmentException(403, message);
    }
}
