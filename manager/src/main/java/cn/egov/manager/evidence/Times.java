package cn.egov.manager.evidence;

import java.time.Instant;
import java.time.format.DateTimeFormatter;

/** Times as exports print them: Beijing time to the second. */
public final class Times {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(Period.ZONE);

    private Times() {
    }

    /** {@code 2026-03-30 12:00:00}, or {@code 从未 never} for 0. */
    public static String format(long millis) {
        return millis <= 0 ? "从未 never" : FORMAT.format(Instant.ofEpochMilli(millis));
    }
}
