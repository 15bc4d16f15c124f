package cn.egov.api.duty;

import cn.egov.api.time.BeijingTime;
import java.time.Duration;
import java.time.Instant;

/**
 * One entry of a unit's duty roster: who is on duty, in which role, from when to when.
 *
 * @param id     the shift's identifier within its unit's roster (1–40 of {@code A-Z a-z 0-9 -})
 * @param start  start of the shift
 * @param end    end of the shift (after the start, at most {@link #MAX_LENGTH} later)
 * @param role   duty lead or duty officer
 * @param person the person's name; at most {@value DutyReport#MAX_PERSON} characters
 * @param phone  where to reach them; at most {@value DutyReport#MAX_PHONE} characters
 */
public record Shift(String id, Instant start, Instant end, ShiftRole role, String person, String phone) {

    /** Longest shift accepted (a typing error beyond). */
    public static final Duration MAX_LENGTH = Duration.ofDays(7);

    public Shift {
        if (id == null || !id.matches("[A-Za-z0-9-]{1,40}")) {
            throw new DutyInputException("id", "shift id must be 1-40 of A-Z a-z 0-9 -, got '" + cn.egov.api.text.LogSafe.of(id) + "'");
        }
        if (start == null || end == null) {
            throw new DutyInputException(start == null ? "start" : "end", "a shift needs its start and end");
        }
        if (!end.isAfter(start)) {
            throw new DutyInputException("end", "shift " + id + " ends (" + BeijingTime.labelled(end) + ") before it starts ("
                    + BeijingTime.of(start) + ")");
        }
        if (Duration.between(start, end).compareTo(MAX_LENGTH) > 0) {
            throw new DutyInputException("end", "shift " + id + " is longer than " + MAX_LENGTH.toDays() + " days");
        }
        if (role == null) {
            throw new DutyInputException("role", "shift " + id + " has no role (带班领导 or 值班员)");
        }
        person = DutyText.line("person", person, DutyReport.MAX_PERSON, true);
        phone = DutyText.line("phone", phone, DutyReport.MAX_PHONE, false);
    }

    /** True while {@code at} lies within the shift (start inclusive, end exclusive). */
    public boolean covers(Instant at) {
        return !at.isBefore(start) && at.isBefore(end);
    }
}
