package cn.egov.manager.exchange;

import static cn.egov.manager.web.HtmlPage.esc;

import cn.egov.manager.fleet.PlaceNames;
import cn.egov.manager.web.HtmlPage;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.WebRoutes;
import java.time.Duration;
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
 * {@code /exchange} (page) and {@code GET /api/exchange/summary?days=7}: documents per city and county,
 * recipients still waiting (oldest first) and those given up on, with the reason.
 */
final class HubHandlers {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.of("Asia/Shanghai"));
    private static final int WAITING_SHOWN = 200;

    private HubHandlers() {
    }

    static Map<String, Object> summary(HubQueries q, int days) throws Exception {
        long since = System.currentTimeMillis() - Duration.ofDays(days).toMillis();
        List<HubQueries.Waiting> waiting = q.waiting(WAITING_SHOWN);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("days", days);
        m.put("totals", q.totals());
        m.put("volumes", q.volumes(since));
        m.put("oldest_waiting", waiting.stream().filter(w -> !w.state().equals("UNDELIVERABLE")).findFirst().orElse(null));
        m.put("waiting", waiting);
        return m;
    }

    static int days(Request request) {
        String d = Request.extractQueryParameters(request).getValue("days");
        try {
            int n = d == null ? 7 : Integer.parseInt(d);
            return n > 0 && n <= 366 ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static Request.Handler api(HubQueries q) {
        return (request, response, callback) -> {
            int days = days(request);
            if (days < 0) {
                return Json.error(response, callback, 400, "days must be 1..366");
            }
            return Json.write(response, callback, 200, summary(q, days));
        };
    }

    static Request.Handler page(HubQueries q, WebRoutes routes, PlaceNames places) {
        return (Request request, Response response, Callback callback) -> {
            int days = Math.max(1, days(request));
            long since = System.currentTimeMillis() - Duration.ofDays(days).toMillis();
            StringBuilder b = new StringBuilder();
            Map<String, Long> totals = q.totals();
            b.append("<p class=\"summary\">");
            totals.forEach((k, v) -> b.append("<span>").append(esc(k)).append(": <b>").append(v).append("</b></span>"));
            b.append("</p><h2>各市县公文量 Volumes, last ").append(days).append(" days</h2><table><tr><th>市 City</th><th>县 County</th>"
                    + "<th class=\"num\">发 Sent</th><th class=\"num\">收 Received</th><th class=\"num\">未送达 Undelivered</th></tr>");
            for (HubQueries.Volume v : q.volumes(since)) {
                b.append("<tr><td>").append(esc(places.name(v.city()) == null ? v.city() : places.name(v.city()))).append("</td><td>").append(esc(v.county())).append(" ")
                        .append(esc(places.name(v.county()))).append("</td><td class=\"num\">").append(v.sent())
                        .append("</td><td class=\"num\">").append(v.received()).append("</td><td class=\"num\">").append(v.undelivered())
                        .append("</td></tr>");
            }
            b.append("</table><h2>等待与未送达 Waiting (oldest first) and undeliverable</h2><table><tr><th>Message id</th><th>From</th>"
                    + "<th>To</th><th>Box</th><th>State</th><th>At hub since</th><th class=\"num\">Attempts</th><th>Deadline</th><th>Reason</th></tr>");
            for (HubQueries.Waiting w : q.waiting(WAITING_SHOWN)) {
                b.append("<tr><td>").append(esc(w.messageId())).append("</td><td>").append(esc(w.issuer())).append("</td><td>")
                        .append(esc(w.recipient())).append("</td><td>").append(esc(w.box())).append("</td><td>").append(esc(w.state()))
                        .append("</td><td>").append(esc(TIME.format(Instant.ofEpochMilli(w.since())))).append("</td><td class=\"num\">")
                        .append(w.attempts()).append("</td><td>").append(esc(TIME.format(Instant.ofEpochMilli(w.deadline()))))
                        .append("</td><td>").append(esc(w.reason())).append("</td></tr>");
            }
            b.append("</table>");
            return HtmlPage.write(request, response, callback, routes, "公文交换 Exchange hub", b.toString());
        };
    }
}
