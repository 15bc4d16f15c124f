package cn.egov.exchange.store;

/**
 * Where a sent document stands for one recipient, as the sender sees it. The order is the order of
 * progress: a state never goes back, except that a receipt completes a document reported
 * {@link #UNDELIVERABLE} (a late receipt is still a receipt).
 */
public enum DeliveryState {
    /** Stored on the sending box, waiting for the backbone. */
    QUEUED,
    /** Stored by the exchange hub. */
    AT_HUB,
    /** Stored by the recipient's box. */
    DELIVERED,
    /** The recipient's signed receipt arrived and matches what was sent. */
    RECEIVED,
    /** The recipient refused the document (an error from the recipient, never a receipt). */
    FAILED,
    /** The deadline passed first, or the hub refused the document; the reason says which. */
    UNDELIVERABLE;

    /** True when {@code next} may follow this state. */
    public boolean mayBecome(DeliveryState next) {
        if (this == RECEIVED || this == FAILED) {
            return false;
        }
        if (this == UNDELIVERABLE) {
            return next == RECEIVED;
        }
        return next.ordinal() > ordinal();
    }
}
