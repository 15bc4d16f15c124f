package cn.egov.manager.noc;

import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.QueryFilters;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /api/noc/units/{unit}}: one unit's indicators, its box and the reports behind them;
 * {@code GET /api/noc/units/{unit}/series?metric=cpu_load&hours=6}: one health graph's points. A
 * unit outside the caller's counties is answered like one that does not exist.
 */
final class UnitsHandler implements Request.Handler {

    static final String PATH = "/api/noc/units";

    private final NocState state;
    private final SeriesQuery series;

    UnitsHandler(NocState state, SeriesQuery series) {
        this.state = state;
        this.series = series;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        String[] parts = path.length() <= PATH.length() + 1 ? new String[] {""} : path.substring(PATH.length() + 1).split("/", -1);
        Caller caller = Caller.of(request);
        Optional<Overview.Unit> unit = state.unit(caller, parts[0]);
        if (unit.isEmpty() || parts.length > 2 || parts.length == 2 && !parts[1].equals("series")) {
            return Json.error(response, callback, 404, "no unit '" + (parts[0].matches("[0-9-]{1,16}") ? parts[0] : "?")
                    + "' among the units you may see");
        }
        if (parts.length == 1) {
            return Json.write(response, callback, 200, view(unit.get(), state.reports().of(unit.get().code())));
        }
        Fields q = Request.extractQueryParameters(request);
        String metric = q.getValue("metric");
        if (metric == null || !series.metrics().contains(metric)) {
            return Json.error(response, callback, 400, "metric must be one of " + String.join(", ", series.metrics()));
        }
        long hours;
        try {
            hours = QueryFilters.whole("hours", q.getValue("hours"), 6, 1, series.maxHours());
        } catch (IllegalArgumentException e) {
            return Json.error(response, callback, 400, e.getMessage());
        }
        return Json.write(response, callback, 200, series.read(unit.get().code(), metric, hours, state.clock().millis()));
    }

    static Map<String, Object> view(Overview.Unit u, Map<String, UnitReports.Report> reports) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("unit", u.code());
        m.put("name", u.name());
        m.put("county", u.county());
        m.put("city", u.city());
        m.put("inPlan", u.inPlan());
        m.put("box", u.box() == null ? null : Map.of("status", u.box().status().name(), "statusSince", u.box().statusSince(),
                "lastSeen", u.box().lastSeen(), "displayName", u.box().displayName(),
                "firmwareVersion", u.box().firmwareVersion() == null ? "" : u.box().firmwareVersion(), "health", u.box().healthFigures()));
        Map<String, Object> indicators = new LinkedHashMap<>();
        for (Indicator i : u.indicators()) {
            indicators.put(i.aspect().en, Map.of("level", i.level().name(), "text", i.text()));
        }
        m.put("indicators", indicators);
        m.put("openAlarms", u.openAlarms());
        Map<String, Object> rs = new LinkedHashMap<>();
        reports.forEach((k, r) -> rs.put(k, Map.of("received", r.received(), "time", r.time(), "metrics", r.metrics())));
        m.put("reports", rs);
        return m;
    }
}
