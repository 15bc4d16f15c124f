package cn.egov.duty.store;

/** The duty store cannot be read or written (disk, corruption); never a refusal of input. */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
