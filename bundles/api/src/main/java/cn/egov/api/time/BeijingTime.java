package cn.egov.api.time;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Times in messages to people in the province (a duty officer's refusal, a technician's clock
 * check, a clerk's pages) as their watches and forms show them, Beijing time, not as UTC instants:
 * "2026-12-07 20:00:00 (Beijing time)" rather than "2026-12-07T12:00:00Z".
 */
public final class BeijingTime {

    /** China Standard Time, UTC+8 all year (no daylight saving). */
    public static final ZoneOffset ZONE = ZoneOffset.ofHours(8);

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZONE);
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZONE);
    private static final DateTimeFormatter WITHOUT_YEAR = DateTimeFormatter.ofPattern("MM-dd HH:mm:ss").withZone(ZONE);

    private BeijingTime() {
    }

    /** {@code 2026-12-07 20:00:00} */
    public static String of(Instant t) {
        return FORMAT.format(t);
    }

    /** {@code 2026-12-07 20:00}: to the minute, as the clerks' pages and forms show times; "" for none */
    public static String toMinute(Instant t) {
        return t == null ? "" : MINUTES.format(t);
    }

    /** {@code 2026-12-07 20:00:00 (Beijing time)} */
    public static String labelled(Instant t) {
        return of(t) + " (Beijing time)";
    }

    /** {@code 12-07 20:00:00}: without the year, for lists of the last days' events (the duty office's reports) */
    public static String withoutYear(Instant t) {
        return WITHOUT_YEAR.format(t);
    }
}
