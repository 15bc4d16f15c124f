package cn.egov.api.time;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.Test;

/** Beijing time as the province's pages print it, whatever the JVM's own zone. */
class BeijingTimeTest {

    private static final Instant T = Instant.parse("2026-12-07T12:00:05Z");

    @Test
    void everyFormIsEightHoursAheadOfUtc() {
        assertEquals("2026-12-07 20:00:05", BeijingTime.of(T));
        assertEquals("2026-12-07 20:00", BeijingTime.toMinute(T));
        assertEquals("", BeijingTime.toMinute(null));
        assertEquals("2026-12-07 20:00:05 (Beijing time)", BeijingTime.labelled(T));
        assertEquals("12-07 20:00:05", BeijingTime.withoutYear(T));
        assertEquals("01-01 07:59:59", BeijingTime.withoutYear(Instant.parse("2026-12-31T23:59:59Z")), "the day after, in Beijing");
    }

    @Test
    void aFormFieldIsWrittenAndReadInBeijingTime() {
        assertEquals("2026-12-07T20:00", BeijingTime.field(T));
        assertEquals(Instant.parse("2026-12-07T12:00:00Z"), BeijingTime.parseField("2026-12-07T20:00"));
        assertEquals(T, BeijingTime.parseField(" 2026-12-07T20:00:05 "), "seconds, as some browsers send them; blanks ignored");
        assertEquals(Instant.parse("2026-12-31T16:00:00Z"), BeijingTime.parseField("2027-01-01T00:00"), "the day before, in UTC");
        assertThrows(DateTimeParseException.class, () -> BeijingTime.parseField("2026-12-07 20:00"));
        assertThrows(DateTimeParseException.class, () -> BeijingTime.parseField("tomorrow"));
    }
}
