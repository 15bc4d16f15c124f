package cn.egov.manager.exchange;

import cn.egov.api.time.BeijingTime;
import cn.egov.manager.fleet.PlaceNames;
import cn.egov.manager.web.Frame;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.Pages;
import cn.egov.manager.web.QueryFilters;
import cn.egov.manager.web.WebRoutes;
import java.time.Duration;
import java.time.Instant;
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

    private static final int WAITING_SHOWN = 200;
    /** The period shown and summed when {@code ?days=} is absent. */
    private static final int DEFAULT_DAYS = 7;

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

    /** {@code ?days=} from 1 to 366, {@value #DEFAULT_DAYS} when absent; else an {@link IllegalArgumentException} naming it. */
    static int days(Request request) {
        return (int) QueryFilters.whole("days", Request.extractQueryParameters(request).getValue("days"), DEFAULT_DAYS, 1, 366);
    }

    static Request.Handler api(HubQueries q) {
        return (request, response, callback) -> {
            int days;
            try {
                days = days(request);
            } catch (IllegalArgumentException e) {
                return Json.error(response, callback, 400, e.getMessage());
            }
            return Json.write(response, callback, 200, summary(q, days));
        };
    }

    /** What the page shows; times formatted in China's zone; {@code problem} the refused filter, empty when none. */
    record PageView(int days, String problem, Map<String, Long> totals, List<VolumeRow> volumes, List<WaitingRow> waiting) {
    }

    record VolumeRow(String cityName, String county, String countyName, long sent, long received, long undelivered) {
    }

    record WaitingRow(String messageId, String issuer, String recipient, String box, String state, String since, int attempts,
                      String deadline, String reason) {
    }

    static PageView view(HubQueries q, PlaceNames places, int days, String problem) throws Exception {
        long since = System.currentTimeMillis() - Duration.ofDays(days).toMillis();
        List<VolumeRow> volumes = q.volumes(since).stream().map(v -> new VolumeRow(
                places.name(v.city()) == null ? v.city() : places.name(v.city()), v.county(),
                places.name(v.county()) == null ? "" : places.name(v.county()), v.sent(), v.received(), v.undelivered())).toList();
        List<WaitingRow> waiting = q.waiting(WAITING_SHOWN).stream().map(w -> new WaitingRow(w.messageId(), w.issuer(), w.recipient(),
                w.box(), w.state(), BeijingTime.toMinute(Instant.ofEpochMilli(w.since())), w.attempts(), BeijingTime.toMinute(Instant.ofEpochMilli(w.deadline())),
                w.reason() == null ? "" : w.reason())).toList();
        return new PageView(days, problem, q.totals(), volumes, waiting);
    }

    /**
     * {@code /exchange}: the JTE page {@code exchange/exchange.jte} (read-only: no form, so nothing to protect with CSRF).
     * A malformed {@code ?days=} gives the page for the default period, 400, with the reason on top, as the other pages' filters.
     */
    static Request.Handler page(HubQueries q, WebRoutes routes, PlaceNames places) {
        return (Request request, Response response, Callback callback) -> {
            int days = DEFAULT_DAYS;
            String problem = "";
            try {
                days = days(request);
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
            Frame frame = Pages.frame(request, routes, "公文交换 Exchange hub");
            PageView view = view(q, places, days, problem);
            return Pages.render(response, callback, problem.isEmpty() ? 200 : 400, out -> JteexchangeGenerated.render(out, null, frame, view));
        };
    }
}
