package cn.egov.console.web;

import cn.egov.api.time.BeijingTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * One line of the box's log as the log page shows it: the time the logger wrote first (ISO 8601
 * with its offset, usually UTC, {@code 2026-12-06T04:00:00.123Z}) in Beijing time, as every other
 * page shows times, and the rest as written. The log itself keeps its unambiguous stamp (journal,
 * log file); only the page converts. A line without a leading time (a stack trace's next line, a
 * tool's output) has an empty {@code time}.
 *
 * @param time Beijing time, {@code 2026-12-06 12:00:00}, or ""
 * @param text the rest of the line
 */
public record LogLine(String time, String text) {

    public static LogLine of(String line) {
        int space = line.indexOf(' ');
        if (space > 0) {
            try {
                OffsetDateTime t = OffsetDateTime.parse(line.substring(0, space));
                return new LogLine(BeijingTime.of(t.toInstant()), line.substring(space + 1));
            } catch (DateTimeParseException notATime) {
                // shown as written
            }
        }
        return new LogLine("", line);
    }
}
