package cn.egov.api.duty;

import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * Times in duty refusals as the officer typed them on the form (Beijing time), not as UTC
 * instants: "2026-12-07 20:00:00 (Beijing time)" rather than "2026-12-07T12:00:00Z".
 */
public final class BeijingTime {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(CapIdentifier.BEIJING);

    private BeijingTime() {
    }

    /** {@code 2026-12-07 20:00:00} */
    public static String of(Instant t) {
        return FORMAT.format(t);
    }

    /** {@code 2026-12-07 20:00:00 (Beijing time)} */
    public static String labelled(Instant t) {
        return of(t) + " (Beijing time)";
    }
}
