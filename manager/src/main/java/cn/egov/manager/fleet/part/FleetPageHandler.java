package cn.egov.manager.fleet.part;

import cn.egov.api.time.BeijingTime;
import cn.egov.manager.fleet.BoxUpdateState;
import cn.egov.manager.fleet.BoxUpdates;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.manager.fleet.BoxState;
import cn.egov.manager.fleet.BoxStatus;
import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Frame;
import cn.egov.manager.web.Pages;
import cn.egov.manager.web.WebRoutes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The NOC's fleet page ({@code fleet/part/fleet.jte}): a summary line, then one section per city
 * and one table per county, each box with status, last seen, its last health figures and its newest
 * box update (version and state, from the update part). Names in
 * Chinese with codes. A technician sees the boxes of the account's counties only.
 */
final class FleetPageHandler implements Request.Handler {

    private static final long MIB = 1024 * 1024;

    /** One box's row, as the page shows it. */
    record Row(String clientId, String displayName, BoxStatus status, String statusLabel, String cause, String lastSeen,
               String ago, String cpu, String heap, String diskFree, String outbox, String firmware, BoxUpdateState update) {
    }

    /** One county's table. */
    record County(String code, String name, List<Row> rows) {
    }

    /** One city's section. */
    record City(String code, String name, List<County> counties) {
    }

    /** A status and how many boxes have it. */
    record Count(BoxStatus status, String label, long count) {
    }

    private final FleetRegistry fleet;
    private final BoxUpdates updates;
    private final WebRoutes routes;

    FleetPageHandler(FleetRegistry fleet, BoxUpdates updates, WebRoutes routes) {
        this.fleet = fleet;
        this.updates = updates;
        this.routes = routes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Caller caller = Caller.of(request);
        Map<String, BoxUpdateState> pushed = updates.newest();
        List<BoxState> boxes = fleet.list().stream().filter(b -> caller.sees(b.clientId())).toList();
        long now = System.currentTimeMillis();
        List<Count> counts = new ArrayList<>();
        for (BoxStatus s : BoxStatus.values()) {
            counts.add(new Count(s, label(s), boxes.stream().filter(x -> x.status() == s).count()));
        }
        Map<String, Map<String, List<BoxState>>> byCity = new LinkedHashMap<>();
        for (BoxState box : boxes) {
            byCity.computeIfAbsent(box.place().cityCode(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(box.place().countyCode(), k -> new ArrayList<>()).add(box);
        }
        List<City> cities = new ArrayList<>();
        byCity.forEach((city, counties) -> {
            BoxState first = counties.values().iterator().next().get(0);
            List<County> list = new ArrayList<>();
            counties.forEach((county, bs) -> list.add(new County(county, nameOrCode(bs.get(0).place().countyName(), county),
                    bs.stream().map(b -> row(b, pushed.get(b.clientId()), now)).toList())));
            cities.add(new City(city, nameOrCode(first.place().cityName(), city), list));
        });
        Frame frame = Pages.frame(request, routes, "设备状态 Fleet");
        String at = BeijingTime.of(Instant.ofEpochMilli(now));
        return Pages.render(response, callback, 200, out -> JtefleetGenerated.render(out, null, frame, boxes.size(), counts, at, cities));
    }

    private static Row row(BoxState box, BoxUpdateState update, long now) {
        Map<String, Object> h = box.healthFigures();
        return new Row(box.clientId(), box.displayName(), box.status(), label(box.status()), box.lastStatusCause(),
                BeijingTime.of(Instant.ofEpochMilli(box.lastSeen())), ago(now - box.lastSeen()),
                num(h.get(BoxMetrics.CPU_LOAD), "%.2f"), mib(h.get(BoxMetrics.HEAP_USED_BYTES)) + " / " + mib(h.get(BoxMetrics.HEAP_MAX_BYTES)),
                mib(h.get(BoxMetrics.DISK_FREE_BYTES)), num(h.get(BoxMetrics.OUTBOX_DEPTH), "%.0f"), box.firmwareVersion(), update);
    }

    static String label(BoxStatus s) {
        return switch (s) {
            case CONNECTED -> "在线 CONNECTED";
            case DISCONNECTED -> "离线 DISCONNECTED";
            case MISSING -> "失联 MISSING";
        };
    }

    private static String nameOrCode(String name, String code) {
        return name == null ? code : name;
    }

    private static String num(Object v, String format) {
        return v instanceof Number n ? String.format(format, n.doubleValue()) : "–";
    }

    private static String mib(Object v) {
        return v instanceof Number n ? Long.toString(n.longValue() / MIB) : "–";
    }

    private static String ago(long ms) {
        long s = Math.max(0, ms / 1000);
        if (s < 60) return s + " 秒前";
        if (s < 3600) return s / 60 + " 分钟前";
        if (s < 86400) return s / 3600 + " 小时前";
        return s / 86400 + " 天前";
    }
}
