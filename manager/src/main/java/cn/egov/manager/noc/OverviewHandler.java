package cn.egov.manager.noc;

import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.QueryFilters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/noc/overview[?county=130602]}: the tree as JSON, each city and county with its
 * counts per aspect and level; the units (with their indicators) of the county asked for, or of
 * every county for a technician.
 */
final class OverviewHandler implements Request.Handler {

    static final String PATH = "/api/noc/overview";

    private final NocState state;

    OverviewHandler(NocState state) {
        this.state = state;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String county;
        try {
            county = QueryFilters.county(Request.extractQueryParameters(request).getValue("county"));
        } catch (IllegalArgumentException e) {
            return Json.error(response, callback, 400, e.getMessage());
        }
        Caller caller = Caller.of(request);
        Overview o = state.overview(caller);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("counts", counts(o.counts()));
        List<Object> cities = new ArrayList<>();
        for (Overview.City c : o.cities()) {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("code", c.code());
            cm.put("name", c.name());
            cm.put("counts", counts(c.counts()));
            List<Object> counties = new ArrayList<>();
            for (Overview.County k : c.counties()) {
                Map<String, Object> km = new LinkedHashMap<>();
                km.put("code", k.code());
                km.put("name", k.name());
                km.put("counts", counts(k.counts()));
                if (k.code().equals(county) || !caller.provinceWide()) {
                    List<Object> units = new ArrayList<>();
                    for (Overview.Unit u : k.units()) {
                        Map<String, Object> um = new LinkedHashMap<>();
                        um.put("unit", u.code());
                        um.put("name", u.name());
                        Map<String, Object> ind = new LinkedHashMap<>();
                        u.indicators().forEach(i -> ind.put(i.aspect().en, i.level().name()));
                        um.put("indicators", ind);
                        um.put("openAlarms", u.openAlarms());
                        units.add(um);
                    }
                    km.put("units", units);
                }
                counties.add(km);
            }
            cm.put("counties", counties);
            cities.add(cm);
        }
        out.put("cities", cities);
        return Json.write(response, callback, 200, out);
    }

    static Map<String, Object> counts(Overview.Counts c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("units", c.units());
        m.put("boxes", c.boxes());
        m.put("connected", c.connected());
        m.put("openAlarms", c.openAlarms());
        Map<String, Object> aspects = new LinkedHashMap<>();
        for (Aspect a : Aspect.values()) {
            Map<String, Object> lv = new LinkedHashMap<>();
            for (Level l : Level.values()) {
                lv.put(l.name(), c.count(a, l));
            }
            aspects.put(a.en, lv);
        }
        m.put("aspects", aspects);
        return m;
    }
}
