package cn.egov.exchange.model;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Times as clerks enter and read them: China time ({@code Asia/Shanghai}), to the minute. The one
 * place for the exchange's pages, its form fields and its refusals.
 *
 * <pre>{@code
 * ChinaTime.format(Instant.parse("2026-12-31T16:00:00Z"))   // "2027-01-01 00:00"
 * }</pre>
 */
public final class ChinaTime {
    public static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZONE);

    private ChinaTime() {
    }

    /** The time in China to the minute, or the empty string for none. */
    public static String format(Instant t) {
        return t == null ? "" : MINUTES.format(t);
    }
}
