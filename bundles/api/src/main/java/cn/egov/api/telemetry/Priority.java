package cn.egov.api.telemetry;

/**
 * Outbox priorities: lower numbers drain first and are evicted last. Priorities 0 and 1 are
 * never evicted when the outbox is full.
 */
public final class Priority {
    /** Lifecycle (BIRTH), security alarms and emergency reports (值班): never evicted, and they overtake everything waiting. */
    public static final int CRITICAL = 0;
    /** Alarms and findings: never evicted. */
    public static final int ALARM = 1;
    /** State changes: policy applied, tunnel up/down, certificate state. */
    public static final int STATE = 3;
    /** Periodic health and counters. */
    public static final int HEALTH = 5;
    /** Bulk, low-value data: the first to go when the outbox is full. */
    public static final int BULK = 7;

    public static final int LOWEST = 9;

    /** Priorities at or below this number are never evicted. */
    public static final int NEVER_EVICTED_UP_TO = ALARM;

    private Priority() {
    }

    public static int check(int priority) {
        if (priority < CRITICAL || priority > LOWEST) {
            throw new IllegalArgumentException("priority must be 0.." + LOWEST + ", got " + priority);
        }
        return priority;
    }
}
