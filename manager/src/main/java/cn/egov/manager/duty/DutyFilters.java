package cn.egov.manager.duty;

import cn.egov.rules.unit.UnitCode;
import org.eclipse.jetty.util.Fields;

/** The duty routes' query parameters, each refused in plain words when malformed. */
final class DutyFilters {

    private DutyFilters() {
    }

    /** {@code unit=130602-001}, {@code county=130602} or {@code city=1306} as a unit-code prefix; null for the province. */
    static String unitPrefix(Fields q) {
        String unit = q.getValue("unit");
        String county = q.getValue("county");
        String city = q.getValue("city");
        if (unit != null && !unit.isEmpty()) {
            if (!UnitCode.isValid(unit)) {
                throw new IllegalArgumentException("unit must be a unit code CCCCCC-DDD, e.g. 130602-001");
            }
            return unit;
        }
        if (county != null && !county.isEmpty()) {
            if (!county.matches("\\d{6}")) {
                throw new IllegalArgumentException("county must be a 6-digit GB/T 2260 code, e.g. 130602");
            }
            return county + "-";
        }
        if (city != null && !city.isEmpty()) {
            if (!city.matches("\\d{4}")) {
                throw new IllegalArgumentException("city must be a 4-digit GB/T 2260 code, e.g. 1306");
            }
            return city;
        }
        return null;
    }

    static int limit(Fields q, int max) {
        String v = q.getValue("limit");
        if (v == null || v.isEmpty()) {
            return max;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("limit must be a whole number 1.." + max + ", got '" + v + "'");
    }
}
