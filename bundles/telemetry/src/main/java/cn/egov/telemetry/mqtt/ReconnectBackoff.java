package cn.egov.telemetry.mqtt;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter, so that a fleet of boxes does not reconnect in lock step. */
final class ReconnectBackoff {
    private final long minMillis;
    private final long maxMillis;
    private long current;

    ReconnectBackoff(Duration min, Duration max) {
        this.minMillis = min.toMillis();
        this.maxMillis = max.toMillis();
        this.current = minMillis;
    }

    /** The next wait: the current step plus up to 20% jitter, then doubles the step. */
    long nextMillis() {
        long wait = current + ThreadLocalRandom.current().nextLong(current / 5 + 1);
        current = Math.min(maxMillis, current * 2);
        return Math.min(wait, maxMillis);
    }

    void reset() {
        current = minMillis;
    }
}
