package cn.egov.manager.duty;

import cn.egov.manager.web.QueryFilters;
import org.eclipse.jetty.util.Fields;

/** The duty routes' query parameters, each refused in plain words when malformed ({@link QueryFilters}). */
final class DutyFilters {

    private DutyFilters() {
    }

    /** {@code unit=130602-001}, {@code county=130602} or {@code city=1306} as a unit-code prefix (the narrowest given); null for the province. */
    static String unitPrefix(Fields q) {
        String unit = QueryFilters.unit(q.getValue("unit"));
        String county = QueryFilters.county(q.getValue("county"));
        String city = QueryFilters.city(q.getValue("city"));
        return unit != null ? unit : county != null ? county + "-" : city;
    }

    static int limit(Fields q, int max) {
        return (int) QueryFilters.whole("limit", q.getValue("limit"), max, 1, max);
    }
}
