package cn.egov.vpn;

import java.time.Duration;

/**
 * Exponential retry delay: {@code initial}, doubled after each failure, capped at {@code max}.
 * A hub that is down is not hammered, and one that returns is found within {@code max}.
 */
public record Backoff(Duration initial, Duration max) {

    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
    }

    /** The delay after {@code failures} consecutive failures (1 = the first). */
    public Duration delay(int failures) {
        Duration d = initial;
        for (int i = 1; i < failures && d.compareTo(max) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(max) > 0 ? max : d;
    }
}
