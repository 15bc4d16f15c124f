package cn.egov.pki.est;

/** The EST server refused a request or could not be reached; the message has the server's reason. */
public class EstException extends Exception {
    private final int status;

    public EstException(int status, String message) {
        super(message);
        this.status = status;
    }

    public EstException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    /** HTTP status, 0 when no answer arrived. */
    public int status() {
        return status;
    }
}
