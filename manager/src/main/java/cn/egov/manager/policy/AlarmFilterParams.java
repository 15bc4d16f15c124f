package cn.egov.manager.policy;

import cn.egov.manager.web.QueryFilters;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * Reads and checks the alarm filters of a request ({@link QueryFilters}): {@code city} (4 digits),
 * {@code county} (6 digits), {@code unit} (CCCCCC-DDD), {@code kind} (e.g. {@code isolation.denied})
 * and {@code hours} (look-back, default 24, at most {@value #MAX_HOURS}).
 */
final class AlarmFilterParams {

    static final int DEFAULT_HOURS = 24;
    /** Alarms are kept at least six months; the list looks back at most that far. */
    static final int MAX_HOURS = 24 * 183;

    private AlarmFilterParams() {
    }

    /** The filter, or throws {@link IllegalArgumentException} naming the bad parameter and its value. */
    static PolicyQueries.AlarmFilter read(Request request, long now) {
        Fields q = Request.extractQueryParameters(request);
        String kind = QueryFilters.matching("kind", q.getValue("kind"), "[a-z][a-z0-9._-]{0,63}", "an alarm kind such as isolation.denied");
        long hours = QueryFilters.whole("hours", q.getValue("hours"), DEFAULT_HOURS, 1, MAX_HOURS);
        return new PolicyQueries.AlarmFilter(QueryFilters.city(q.getValue("city")), QueryFilters.county(q.getValue("county")),
                QueryFilters.unit(q.getValue("unit")), kind, now - hours * 3600_000L);
    }
}
