package cn.egov.api.time;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

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
    /** What an HTML {@code datetime-local} field shows and sends: to the minute, seconds when a browser adds them. */
    private static final DateTimeFormatter FIELD = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm").withZone(ZONE);
    private static final DateTimeFormatter FIELD_READ = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm[:ss]");

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

    /** {@code 2026-12-07 20:00:00（北京时间）}: the same in a Chinese sentence */
    public static String labelledChinese(Instant t) {
        return of(t) + "（北京时间）";
    }

    /** {@code 12-07 20:00:00}: without the year, for lists of the last days' events (the duty office's reports) */
    public static String withoutYear(Instant t) {
        return WITHOUT_YEAR.format(t);
    }

    /** {@code 2026-12-07T20:00}: the value of an HTML {@code datetime-local} field, as a form offers it */
    public static String field(Instant t) {
        return FIELD.format(t);
    }

    /**
     * The instant of a {@code datetime-local} field's value read as Beijing time: {@code 2026-12-07T20:00}
     * or {@code 2026-12-07T20:00:05}, surrounding blanks ignored.
     *
     * @throws DateTimeParseException when {@code value} is not such a time
     */
    public static Instant parseField(String value) {
        return LocalDateTime.parse(value.strip(), FIELD_READ).toInstant(ZONE);
    }
}
