package cn.egov.api.duty;

import cn.egov.rules.unit.UnitCode;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * A unit's duty roster as the box publishes it to the manager: the shifts of a window around now,
 * each with who is on duty. A newer {@link #version} replaces an older one at the manager.
 *
 * @param unit        the unit
 * @param version     grows with every change at the box (a swap, a new shift)
 * @param publishedAt when the box published this version
 * @param shifts      the shifts, by start time; at most {@value #MAX_SHIFTS}
 */
public record Roster(UnitCode unit, long version, Instant publishedAt, List<Shift> shifts) {

    /** Most shifts in one published roster (a month of three shifts a day, with room to spare). */
    public static final int MAX_SHIFTS = 500;

    public Roster {
        if (unit == null) {
            throw new DutyInputException("unit", "the roster names no unit");
        }
        if (version < 0) {
            throw new DutyInputException("version", "roster version must not be negative");
        }
        if (shifts.size() > MAX_SHIFTS) {
            throw new DutyInputException("shifts", "the roster has " + shifts.size() + " shifts, at most " + MAX_SHIFTS + " are published");
        }
        shifts = shifts.stream().sorted(Comparator.comparing(Shift::start).thenComparing(Shift::id)).toList();
    }

    /** The shifts that cover {@code at}. */
    public List<Shift> onDuty(Instant at) {
        return shifts.stream().filter(s -> s.covers(at)).toList();
    }
}
