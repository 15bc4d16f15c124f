package cn.egov.isolation.monitor;

/** Where the classifier puts what it finds: the audit's report, or the live alarm gate. */
public interface FindingSink {

    /** A violation on a flow not seen before; {@code number} counts findings from 0. */
    void found(int number, Finding finding);

    /** Another packet of the flow of finding {@code number}. */
    default void repeated(int number) {
    }

    /** A bounded table of the classifier was full and was cleared; {@code table} names it. */
    default void tableOverflow(String table, long overflows) {
    }
}
