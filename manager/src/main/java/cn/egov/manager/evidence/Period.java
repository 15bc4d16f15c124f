package cn.egov.manager.evidence;

import cn.egov.api.time.BeijingTime;
import cn.egov.manager.web.QueryFilters;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Whole days of the province's calendar (Beijing time, {@link BeijingTime#ZONE}), from the first day's midnight to the
 * midnight after the last day: {@code [start, end)} in ms since the epoch. Evidence belongs to a
 * period by when the manager received it (its own clock: a box's clock can be wrong or set back).
 *
 * @param from first day
 * @param to   last day (inclusive)
 */
public record Period(LocalDate from, LocalDate to) {

    public Period {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("the period ends (" + to + ") before it starts (" + from + ")");
        }
    }

    /** A calendar year. */
    public static Period year(int year) {
        return new Period(LocalDate.of(year, 1, 1), LocalDate.of(year, 12, 31));
    }

    /**
     * The period of {@code from} and {@code to} (ISO dates, {@code 2026-01-31}); a missing end is
     * {@code today}, a missing start 30 days before the end. Refused, with a message that names the
     * parameter: a date that is not one, an end before the start, a period over {@code maxDays}.
     */
    public static Period parse(String from, String to, LocalDate today, int maxDays) {
        LocalDate end = date("to", to, today);
        LocalDate start = date("from", from, end.minusDays(29));
        Period p = new Period(start, end);
        if (p.days() > maxDays) {
            throw new IllegalArgumentException("the period " + p.label() + " is " + p.days() + " days long; at most " + maxDays);
        }
        return p;
    }

    private static LocalDate date(String name, String value, LocalDate otherwise) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            return LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw QueryFilters.bad(name, "a date like 2026-01-31", value);
        }
    }

    /** ms since the epoch of the first day's midnight. */
    public long start() {
        return from.atStartOfDay(BeijingTime.ZONE).toInstant().toEpochMilli();
    }

    /** ms since the epoch of the midnight after the last day (exclusive). */
    public long end() {
        return to.plusDays(1).atStartOfDay(BeijingTime.ZONE).toInstant().toEpochMilli();
    }

    public long days() {
        return ChronoUnit.DAYS.between(from, to) + 1;
    }

    public boolean contains(long millis) {
        return millis >= start() && millis < end();
    }

    /** {@code 2026-01-01 至 2026-03-31}. */
    public String label() {
        return from + " 至 " + to;
    }
}
