package cn.egov.manager.web;

import cn.egov.api.text.LogSafe;
import cn.egov.rules.unit.UnitCode;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The one set of rules for the filters of the manager's lists, pages and REST alike
 * ({@code ?city=1306&county=130602&unit=130602-001&status=MISSING&days=7}): a city is 4 digits, a
 * county 6, a unit a unit code, a named value one of its enum's names (any case), a count a whole
 * number in its range. An absent or empty parameter is no filter (a form sends its empty fields);
 * a malformed one is an {@link IllegalArgumentException} whose message is one line naming the
 * parameter, what it must be and the value as typed, cut to {@value #MAX_ECHO_CHARS} characters
 * and {@link LogSafe} — never a silent "no filter", which would read as "all of them":
 *
 * <pre>{@code
 * String county = QueryFilters.county(q.getValue("county"));
 * // ?county=abc: "county must be 6 digits, like 130602, got 'abc'"
 * }</pre>
 *
 * A page shows the message above its form with status 400; a REST route answers it as
 * {@code {"error": "..."}} with 400.
 */
public final class QueryFilters {

    /** The longest part of a bad value echoed in a message: enough to see the typo, not a page of it. */
    public static final int MAX_ECHO_CHARS = 40;

    private QueryFilters() {
    }

    /** A city code (4 digits), or null when absent. */
    public static String city(String value) {
        return matching("city", value, "\\d{4}", "4 digits, like 1306");
    }

    /** A county code (6 digits), or null when absent. */
    public static String county(String value) {
        return matching("county", value, "\\d{6}", "6 digits, like 130602");
    }

    /** A unit code ({@code CCCCCC-DDD}), or null when absent. */
    public static String unit(String value) {
        if (absent(value)) {
            return null;
        }
        if (!UnitCode.isValid(value)) {
            throw bad("unit", "a unit code like 130602-001", value);
        }
        return value;
    }

    /** {@code value} when it matches {@code regex} whole, null when absent; else refused saying it must be {@code what}. */
    public static String matching(String name, String value, String regex, String what) {
        if (absent(value)) {
            return null;
        }
        if (!value.matches(regex)) {
            throw bad(name, what, value);
        }
        return value;
    }

    /** The constant of {@code type} named {@code value} in any case, or null when absent. */
    public static <E extends Enum<E>> E oneOf(String name, String value, Class<E> type) {
        if (absent(value)) {
            return null;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        String names = Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
        throw bad(name, "one of " + names, value);
    }

    /** A whole number from {@code min} to {@code max}, or {@code absent} when the parameter is. */
    public static long whole(String name, String value, long absent, long min, long max) {
        if (absent(value)) {
            return absent;
        }
        try {
            long n = Long.parseLong(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below, with the value
        }
        throw bad(name, "a whole number from " + min + " to " + max, value);
    }

    /** The refusal of {@code value} for parameter {@code name}: "{@code name} must be {@code what}, got '…'". */
    public static IllegalArgumentException bad(String name, String what, String value) {
        return new IllegalArgumentException(name + " must be " + what + ", got '" + echo(value) + "'");
    }

    /** {@code value} fit to be shown back: cut to {@value #MAX_ECHO_CHARS} characters (an ellipsis marks the cut), control characters escaped. */
    public static String echo(String value) {
        String v = value == null ? "" : value;
        // counted in code points, so a cut never splits a character outside the BMP (CJK Extension B)
        return LogSafe.of(v.codePointCount(0, v.length()) > MAX_ECHO_CHARS ? v.substring(0, v.offsetByCodePoints(0, MAX_ECHO_CHARS)) + "…" : v);
    }

    private static boolean absent(String value) {
        return value == null || value.isEmpty();
    }
}
