package cn.egov.manager.cli;

import cn.egov.api.time.BeijingTime;
import java.time.Instant;

/**
 * A time column of the CLI's tables as the pages show times: Beijing time to the second
 * ({@code 2026-12-07 20:00:00}), the zone named once, in the column's header, not on every row.
 * Machine-readable output ({@code --json}) keeps ISO instants in UTC.
 */
final class TableTime {

    /** What the header adds to a time column's name. */
    static final String ZONE = "(北京时间 UTC+8)";

    private TableTime() {
    }

    /** {@code 2026-12-07 20:00:00} */
    static String of(Instant t) {
        return BeijingTime.of(t);
    }

    /** {@code 2026-12-07 20:00:00}, from milliseconds since the epoch. */
    static String ofMillis(long millis) {
        return of(Instant.ofEpochMilli(millis));
    }

    /**
     * A time as the cell of column {@code column} when more columns follow: padded with blanks to the
     * terminal width of the column's header, whose Chinese characters take two columns each (so
     * {@code %-Ns} on the header would leave the next headers out of line with their rows).
     */
    static String cell(String column, Instant t) {
        int width = header(column).codePoints().map(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN ? 2 : 1).sum();
        String time = of(t);
        return time + " ".repeat(Math.max(0, width - time.length()));
    }

    /** The header of a time column, {@code LAST-SEEN (北京时间 UTC+8)}. */
    static String header(String column) {
        return column + " " + ZONE;
    }
}
