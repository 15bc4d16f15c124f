package cn.egov.api.payload;

/** A payload that is not a valid KuraPayload; the message says what is wrong and where (byte offset). */
public class PayloadFormatException extends Exception {
    public PayloadFormatException(String message) {
        super(message);
    }
}
