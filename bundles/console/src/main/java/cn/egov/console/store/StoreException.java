package cn.egov.console.store;

/** The console store cannot be used (file, database), or a request to it is refused; the message is one line. */
public class StoreException extends Exception {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
