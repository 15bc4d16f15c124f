package cn.egov.manager.evidence;

import cn.egov.api.time.BeijingTime;
import java.time.Instant;

/** Times as exports print them: Beijing time to the second. */
public final class Times {

    private Times() {
    }

    /** {@code 2026-03-30 12:00:00}, or {@code 从未 never} for 0. */
    public static String format(long millis) {
        return millis <= 0 ? "从未 never" : BeijingTime.of(Instant.ofEpochMilli(millis));
    }
}
