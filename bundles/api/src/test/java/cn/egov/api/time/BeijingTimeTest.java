package cn.egov.api.time;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
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
}
