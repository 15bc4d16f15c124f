package cn.egov.manager.web;

import static cn.egov.manager.web.HtmlPage.esc;

import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.manager.fleet.BoxState;
import cn.egov.manager.fleet.BoxStatus;
import cn.egov.manager.fleet.FleetRegistry;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The NOC's fleet page: a summary line, then one section per city and one table per county, each
 * box with status, last seen and its last health figures. Names in Chinese with codes. A
 * technician sees the boxes of the account's counties only.
 */
final class FleetPageHandler implements Request.Handler {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.of("Asia/Shanghai"));
    private static final long MIB = 1024 * 1024;

    private final FleetRegistry fleet;
    private final WebRoutes routes;

    FleetPageHandler(FleetRegistry fleet, WebRoutes routes) {
        this.fleet = fleet;
        this.routes = routes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Caller caller = Caller.of(request);
        List<BoxState> boxes = fleet.list().stream().filter(b -> caller.sees(b.clientId())).toList();
        long now = System.currentTimeMillis();
        StringBuilder b = new StringBuilder();
        b.append("<p class=\"summary\"><span>共 <b id=\"total\">").append(boxes.size()).append("</b> 台</span>");
        for (BoxStatus s : BoxStatus.values()) {
            b.append("<span><span class=\"status ").append(s).append("\">").append(label(s)).append("</span> <b id=\"count-")
                    .append(s).append("\">").append(boxes.stream().filter(x -> x.status() == s).count()).append("</b></span>");
        }
        b.append("<span class=\"muted\">").append(esc(TIME.format(Instant.ofEpochMilli(now)))).append(" (北京时间)</span></p>");
        if (boxes.isEmpty()) {
            b.append("<p>尚无设备上线。No box has connected yet.</p>");
        }
        Map<String, Map<String, List<BoxState>>> byCity = new LinkedHashMap<>();
        for (BoxState box : boxes) {
            byCity.computeIfAbsent(box.place().cityCode(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(box.place().countyCode(), k -> new java.util.ArrayList<>()).add(box);
        }
        byCity.forEach((city, counties) -> {
            BoxState first = counties.values().iterator().next().get(0);
            b.append("<section class=\"city\" id=\"city-").append(esc(city)).append("\"><h2>")
                    .append(esc(nameOrCode(first.place().cityName(), city))).append(" <span class=\"muted\">")
                    .append(esc(city)).append("</span></h2>");
            counties.forEach((county, list) -> {
                b.append("<h3 id=\"county-").append(esc(county)).append("\">")
                        .append(esc(nameOrCode(list.get(0).place().countyName(), county))).append(" <span class=\"muted\">")
                        .append(esc(county)).append("</span></h3>");
                b.append("<table><tr><th>单位代码</th><th>名称</th><th>状态</th><th>最后在线</th><th>CPU</th>"
                        + "<th>堆内存 MiB</th><th>磁盘剩余 MiB</th><th>待发消息</th><th>固件</th></tr>");
                for (BoxState box : list) {
                    row(b, box, now);
                }
                b.append("</table>");
            });
            b.append("</section>");
        });
        return HtmlPage.write(request, response, callback, routes, "设备状态 Fleet", b.toString());
    }

    private static void row(StringBuilder b, BoxState box, long now) {
        Map<String, Object> h = box.healthFigures();
        b.append("<tr id=\"box-").append(esc(box.clientId())).append("\"><td>").append(esc(box.clientId())).append("</td><td>")
                .append(esc(box.displayName())).append("</td><td><span class=\"status ").append(box.status()).append("\" title=\"")
                .append(esc(box.lastStatusCause())).append("\">").append(label(box.status())).append("</span></td><td>")
                .append(esc(TIME.format(Instant.ofEpochMilli(box.lastSeen())))).append(" <span class=\"muted\">(")
                .append(ago(now - box.lastSeen())).append(")</span></td>")
                .append(num(h.get(BoxMetrics.CPU_LOAD), 1, "%.2f"))
                .append("<td class=\"num\">").append(esc(mib(h.get(BoxMetrics.HEAP_USED_BYTES)))).append(" / ")
                .append(esc(mib(h.get(BoxMetrics.HEAP_MAX_BYTES)))).append("</td>")
                .append("<td class=\"num\">").append(esc(mib(h.get(BoxMetrics.DISK_FREE_BYTES)))).append("</td>")
                .append(num(h.get(BoxMetrics.OUTBOX_DEPTH), 1, "%.0f"))
                .append("<td>").append(esc(box.firmwareVersion())).append("</td></tr>");
    }

    private static String label(BoxStatus s) {
        return switch (s) {
            case CONNECTED -> "在线 CONNECTED";
            case DISCONNECTED -> "离线 DISCONNECTED";
            case MISSING -> "失联 MISSING";
        };
    }

    private static String nameOrCode(String name, String code) {
        return name == null ? code : name;
    }

    private static String num(Object v, double scale, String format) {
        return "<td class=\"num\">" + (v instanceof Number n ? esc(String.format(format, n.doubleValue() * scale)) : "–") + "</td>";
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
