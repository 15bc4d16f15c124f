package cn.egov.exchange.model;

/**
 * Input the exchange will not take: a classified document, an unknown recipient, a damaged upload,
 * a file over the limit, a forged or replayed receipt. The message is one line naming the field and
 * what is wrong; nothing stored has changed when this is thrown.
 */
public final class DocumentRefused extends RuntimeException {

    private final String field;

    public DocumentRefused(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
    }

    public DocumentRefused(String field, String reason, Throwable cause) {
        super(field + ": " + reason, cause);
        this.field = field;
    }

    /** The input field (or check) that was refused, e.g. {@code classification}, {@code recipients[1]}, {@code receipt}. */
    public String field() {
        return field;
    }
}
