package cn.egov.manager.noc;

import cn.egov.manager.account.Role;
import cn.egov.manager.fleet.BoxState;
import cn.egov.manager.noc.store.AlarmQuery;
import cn.egov.manager.noc.store.NocAlarm;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Frame;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.Pages;
import cn.egov.manager.web.WebRoutes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /noc/units/{unit}}: everything about one unit ({@code noc/unit.jte}): its indicators, its
 * box (status, versions, last health figures), every report behind the indicators as the box sent
 * it (tunnel, policy, plan, certificate, each site's probe, duty, exchange), its newest box update
 * and where it stands (from the update part), its alarms with their
 * handling, and its health graphs (drawn by {@code /noc/noc.js} with ECharts from the series API).
 * Box-sent text is shown as text (the template escapes it).
 */
final class UnitPage implements Request.Handler {

    static final String PATH = "/noc/units";
    private static final int ALARMS_SHOWN = 50;

    /** One name and value of a report. */
    record Row(String name, String value) {
    }

    /** One report as the box sent it. */
    record Report(String title, String received, List<Row> rows) {
    }

    /** A graph's range button. */
    record Range(long hours, String label) {
    }

    private final NocState state;
    private final SeriesQuery series;
    private final cn.egov.manager.fleet.BoxUpdates updates;
    private final WebRoutes routes;

    UnitPage(NocState state, SeriesQuery series, cn.egov.manager.fleet.BoxUpdates updates, WebRoutes routes) {
        this.state = state;
        this.series = series;
        this.updates = updates;
        this.routes = routes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        String code = path.length() > PATH.length() + 1 ? path.substring(PATH.length() + 1) : "";
        Caller caller = Caller.of(request);
        Optional<Overview.Unit> unit = state.unit(caller, code);
        if (unit.isEmpty()) {
            return Json.error(response, callback, 404, "no unit '" + (code.matches("[0-9-]{1,16}") ? code : "?") + "' among the units you may see");
        }
        Overview.Unit u = unit.get();
        List<NocAlarm> alarms = state.alarms().list(AlarmQuery.since(0, ALARMS_SHOWN).unit(u.code()));
        Frame frame = Pages.frame(request, routes, u.name() + " " + u.code()).still();
        boolean canAct = caller.role() == Role.NOC && frame.session();
        List<Range> ranges = new ArrayList<>();
        for (long h : new long[] {6, 48, 24 * 7, 24 * 30}) {
            if (h <= series.maxHours()) {
                ranges.add(new Range(h, h < 72 ? h + " 小时 h" : h / 24 + " 天 d"));
            }
        }
        String place = Overview.cityName(cn.egov.rules.plan.Divisions.hebei(), u.city()) + " › "
                + Overview.countyName(cn.egov.rules.plan.Divisions.hebei(), u.county());
        List<Row> boxRows = box(u.box());
        updates.newest(u.code()).ifPresent(x -> boxRows.add(new Row("盒子更新 box update", x.version() + " · " + x.label() + " · "
                + Judge.time(x.updatedAt().toEpochMilli()) + (x.message().isEmpty() ? "" : " · " + x.message()))));
        return Pages.render(response, callback, 200, out -> JteunitGenerated.render(out, null, frame, u, place, boxRows,
                reports(state.reports().of(u.code())), alarms, series.metrics(), ranges, canAct));
    }

    private static List<Row> box(BoxState b) {
        List<Row> rows = new ArrayList<>();
        if (b == null) {
            return rows;
        }
        rows.add(new Row("状态 status", b.status().name() + " · " + Judge.time(b.statusSince()) + (b.lastStatusCause() == null ? "" : " · " + b.lastStatusCause())));
        rows.add(new Row("最后消息 last seen", Judge.time(b.lastSeen())));
        rows.add(new Row("名称 display name", b.displayName()));
        rows.add(new Row("固件 firmware", b.firmwareVersion() == null ? "—" : b.firmwareVersion()));
        rows.add(new Row("地址 address", b.connectionIp() == null ? "—" : b.connectionIp()));
        rows.add(new Row("健康间隔 health interval", b.healthIntervalS() + " s"));
        b.healthFigures().forEach((k, v) -> rows.add(new Row(k, String.valueOf(v))));
        return rows;
    }

    private static List<Report> reports(Map<String, UnitReports.Report> reports) {
        List<Report> out = new ArrayList<>();
        reports.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            List<Row> rows = new ArrayList<>();
            e.getValue().metrics().forEach((k, v) -> rows.add(new Row(k, v instanceof Number n && isTime(k) ? Judge.time(n.longValue())
                    + " (" + v + ")" : String.valueOf(v))));
            out.add(new Report(title(e.getKey()), Judge.time(e.getValue().received()), rows));
        });
        return out;
    }

    private static boolean isTime(String metric) {
        return metric.endsWith("_at") || metric.equals("not_before") || metric.equals("not_after") || metric.equals("check_id");
    }

    private static String title(String subject) {
        if (subject.startsWith(UnitReports.PROBE_PREFIX)) {
            return "门户探测 portal probe: " + subject.substring(UnitReports.PROBE_PREFIX.length());
        }
        return switch (subject) {
            case UnitReports.TUNNEL -> "隧道 tunnel (VPN/tunnel)";
            case UnitReports.POLICY -> "隔离策略 isolation policy (ISOLATION/policy)";
            case UnitReports.PLAN -> "地址规划 address plan (ADDRESSPLAN/check)";
            case UnitReports.CERTIFICATE -> "证书 certificate (PKI/certificate)";
            case UnitReports.ROSTER -> "值班表 duty roster (DUTY/roster)";
            case UnitReports.EXCHANGE -> "公文交换 exchange (EXCHANGE, last message)";
            default -> subject;
        };
    }
}
