package cn.egov.manager.policy;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * Reads and checks the alarm filters of a request: {@code city} (4 digits), {@code county}
 * (6 digits), {@code unit} (CCCCCC-DDD), {@code kind} (e.g. {@code isolation.denied}) and
 * {@code hours} (look-back, default 24, at most {@value #MAX_HOURS}).
 */
final class AlarmFilterParams {

    static final int DEFAULT_HOURS = 24;
    /** Alarms are kept at least six months; the list looks back at most that far. */
    static final int MAX_HOURS = 24 * 183;

    private AlarmFilterParams() {
    }

    /** The filter, or throws {@link IllegalArgumentException} naming the bad parameter. */
    static PolicyQueries.AlarmFilter read(Request request, long now) {
        Fields q = Request.extractQueryParameters(request);
        String city = check(q, "city", "\\d{4}", "a 4-digit city code such as 1306");
        String county = check(q, "county", "\\d{6}", "a 6-digit county code such as 130602");
        String unit = check(q, "unit", "\\d{6}-\\d{3}", "a unit code such as 130602-001");
        String kind = check(q, "kind", "[a-z][a-z0-9._-]{0,63}", "an alarm kind such as isolation.denied");
        String hoursText = check(q, "hours", "\\d{1,5}", "a number of hours");
        int hours = hoursText == null ? DEFAULT_HOURS : Integer.parseInt(hoursText);
        if (hours < 1 || hours > MAX_HOURS) {
            throw new IllegalArgumentException("parameter 'hours' must be 1.." + MAX_HOURS);
        }
        return new PolicyQueries.AlarmFilter(city, county, unit, kind, now - hours * 3600_000L);
    }

    private static String check(Fields q, String name, String pattern, String what) {
        String v = q.getValue(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        if (!v.matches(pattern)) {
            throw new IllegalArgumentException("parameter '" + name + "' must be " + what);
        }
        return v;
    }
}
