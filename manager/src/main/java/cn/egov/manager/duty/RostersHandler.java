package cn.egov.manager.duty;

import cn.egov.api.duty.Shift;
import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.web.Json;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /api/duty/rosters[?unit=|county=|city=]}: every unit's roster as its box last sent it,
 * with who is on duty now; {@code GET /api/duty/refusals}: the newest refused report messages.
 */
final class RostersHandler implements Request.Handler {

    private final DutyOfficeStore store;
    private final FleetRegistry fleet;
    private final Clock clock;

    RostersHandler(DutyOfficeStore store, FleetRegistry fleet, Clock clock) {
        this.store = store;
        this.fleet = fleet;
        this.clock = clock;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (Request.getPathInContext(request).equals(DutyPart.REFUSALS)) {
            return Json.write(response, callback, 200, Map.of("refusals", store.refusals(200).stream().map(r -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("unit", r.unit());
                m.put("receivedAt", r.receivedAt().toString());
                m.put("report", r.reportId());
                m.put("field", r.field());
                m.put("reason", r.reason());
                m.put("acceptedLater", r.resolved());
                return m;
            }).toList()));
        }
        Fields q = Request.extractQueryParameters(request);
        String prefix;
        try {
            prefix = DutyFilters.unitPrefix(q);
        } catch (IllegalArgumentException e) {
            return Json.error(response, callback, 400, e.getMessage());
        }
        Instant now = clock.instant();
        List<Map<String, Object>> out = store.rosters(prefix).stream().map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            String unit = s.roster().unit().toString();
            m.put("unit", unit);
            m.put("name", fleet.get(unit).map(b -> b.displayName()).orElse(unit));
            m.put("version", s.roster().version());
            m.put("publishedAt", s.roster().publishedAt().toString());
            m.put("receivedAt", s.receivedAt().toString());
            m.put("onDuty", s.roster().onDuty(now).stream().map(RostersHandler::shift).toList());
            m.put("shifts", s.roster().shifts().stream().map(RostersHandler::shift).toList());
            return m;
        }).toList();
        return Json.write(response, callback, 200, Map.of("rosters", out));
    }

    static Map<String, Object> shift(Shift s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("start", s.start().toString());
        m.put("end", s.end().toString());
        m.put("role", s.role().name());
        m.put("roleName", s.role().chinese());
        m.put("person", s.person());
        m.put("phone", s.phone());
        return m;
    }
}
