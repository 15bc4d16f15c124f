package cn.egov.api.duty;

/**
 * A report, roster entry or message refused as it stands, with the field it is about, so that a
 * form can mark the field and a log line can say what was wrong in one sentence.
 *
 * <pre>{@code
 * try { ... } catch (DutyInputException e) {
 *     e.field();      // "number"
 *     e.getMessage(); // "续报 3 of incident ... is out of sequence: the next number is 2"
 * }
 * }</pre>
 */
public final class DutyInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public DutyInputException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The field the refusal is about ({@code level}, {@code number}, {@code unit}...). */
    public String field() {
        return field;
    }
}
