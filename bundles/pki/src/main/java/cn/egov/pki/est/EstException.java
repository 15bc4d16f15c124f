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

    /**
     * What the technician does about it, to append to the message ("" when the message says it): a refused
     * token is mistyped, used or expired, and only the provincial office gives a new one.
     */
    public String whatToDo() {
        return String.valueOf(getMessage()).toLowerCase(java.util.Locale.ROOT).contains("token")
                ? ". Check the token you typed (it is for this unit only and works once); if it was used or has "
                        + "expired, ask the provincial office for a new one"
                : "";
    }
}
