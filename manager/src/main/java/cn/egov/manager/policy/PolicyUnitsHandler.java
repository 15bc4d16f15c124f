package cn.egov.manager.policy;

import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.QueryFilters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /api/policy/units[?city=1306&county=130602&unit=130602-001]}: every unit's policy in
 * force, last verification, drift and number of isolation alarms in the last 24 hours, of the units
 * the filters name; a malformed filter is 400 naming it ({@link QueryFilters}), never all units. {@code GET /api/policy/units/{code}}: one unit
 * with its alarms of the last 24 hours. A technician sees the units of the account's counties; any
 * other unit is answered like one that never reported.
 */
final class PolicyUnitsHandler implements Request.Handler {

    static final String PREFIX = "/api/policy/units";

    private final PolicyQueries queries;

    PolicyUnitsHandler(PolicyQueries queries) {
        this.queries = queries;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long now = System.currentTimeMillis();
        String path = Request.getPathInContext(request);
        Caller caller = Caller.of(request);
        if (path.equals(PREFIX) || path.equals(PREFIX + "/")) {
            return list(request, response, callback, caller, now);
        }
        String code = path.substring(PREFIX.length() + 1);
        if (!caller.provinceWide() && !caller.sees(code)) {
            return Json.error(response, callback, 404, PolicyVisibility.noReport(code));
        }
        if (!code.matches("\\d{6}-\\d{3}")) {
            return Json.error(response, callback, 400, "unit code must be CCCCCC-DDD");
        }
        var state = queries.units(now).stream().filter(u -> u.unit().equals(code)).findFirst();
        if (state.isEmpty()) {
            return Json.error(response, callback, 404, PolicyVisibility.noReport(code));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("unit", state.get());
        body.put("alarms", queries.alarms(new PolicyQueries.AlarmFilter(null, null, code, null, now - PolicyQueries.DAY_MS)));
        return Json.write(response, callback, 200, body);
    }

    private boolean list(Request request, Response response, Callback callback, Caller caller, long now) throws Exception {
        Fields q = Request.extractQueryParameters(request);
        String city;
        String county;
        String unit;
        try {
            city = QueryFilters.city(q.getValue("city"));
            county = QueryFilters.county(q.getValue("county"));
            unit = QueryFilters.unit(q.getValue("unit"));
        } catch (IllegalArgumentException e) {
            return Json.error(response, callback, 400, e.getMessage());
        }
        List<UnitPolicyState> units = queries.units(now).stream().filter(u -> caller.sees(u.unit()))
                .filter(u -> city == null || u.unit().startsWith(city))
                .filter(u -> county == null || u.unit().startsWith(county + "-"))
                .filter(u -> unit == null || u.unit().equals(unit)).toList();
        return Json.write(response, callback, 200, Map.of("units", units));
    }
}
