package cn.egov.exchange.store;

/** A document that reached a recipient unit on this box. */
public enum InboxState {
    /** Stored as it arrived (still encrypted); opened next. */
    STORED,
    /** Opened, verified and receipted. */
    RECEIVED,
    /** Refused (damaged, not for this unit's key, signature does not verify): a duplicate gets the same error. */
    FAILED
}
