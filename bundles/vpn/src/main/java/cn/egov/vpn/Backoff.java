package cn.egov.vpn;

import java.time.Duration;

/**
 * Exponential retry delay: {@code initial}, doubled after each failure, capped at {@code max}.
 * A hub that is down is not hammered, and one that returns is found within {@code max}.
 */
public record Backoff(Duration initial, Duration max) {

    public Backoff {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("backoff initial delay must be positive, got " + describe(initial));
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff longest delay (" + describe(max) + ") must not be below the initial delay ("
                    + describe(initial) + ")");
        }
    }

    /** A duration as the settings give it: "30 s", or "1500 ms" when not whole seconds (not ISO's "PT30S"). */
    static String describe(Duration d) {
        if (d == null) {
            return "nothing";
        }
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
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
