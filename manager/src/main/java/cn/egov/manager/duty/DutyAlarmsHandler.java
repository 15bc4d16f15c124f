package cn.egov.manager.duty;

import cn.egov.api.duty.DutyTopics;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.QueryFilters;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /api/duty/alarms[?hours=&limit=]}: the duty alarms the NOC and the duty office watch,
 * newest first: the office's own (a report unacknowledged up the chain, a late 初报, refused
 * messages, receipts dropped) and the boxes' deadline clocks (approaching, missed).
 */
final class DutyAlarmsHandler implements Request.Handler {

    /** Every alarm kind of the duty service. */
    static final List<String> KINDS = List.of(DutyTopics.UNACKNOWLEDGED, DutyTopics.LATE, DutyTopics.REFUSED,
            ReceiptSender.DROPPED_ALARM, DutyTopics.DEADLINE_APPROACHING, DutyTopics.DEADLINE_MISSED);
    static final int MAX_HOURS = 24 * 30;
    static final int MAX_LIMIT = 500;

    private final DutyOfficeStore store;
    private final Clock clock;

    DutyAlarmsHandler(DutyOfficeStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Fields q = Request.extractQueryParameters(request);
        int hours;
        int limit;
        try {
            hours = hours(q.getValue("hours"));
            limit = DutyFilters.limit(q, MAX_LIMIT);
        } catch (IllegalArgumentException e) {
            return Json.error(response, callback, 400, e.getMessage());
        }
        List<Map<String, Object>> out = store.alarms(KINDS, clock.instant().minus(Duration.ofHours(hours)), limit).stream().map(a -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("from", a.clientId());
            m.put("kind", a.alarm().kind());
            m.put("severity", a.alarm().severity().name());
            m.put("message", a.alarm().message());
            m.put("evidence", a.alarm().evidence());
            m.put("time", java.time.Instant.ofEpochMilli(a.alarm().time()).toString());
            m.put("receivedAt", a.receivedAt().toString());
            return m;
        }).toList();
        return Json.write(response, callback, 200, Map.of("alarms", out));
    }

    static int hours(String v) {
        return (int) QueryFilters.whole("hours", v, 24, 1, MAX_HOURS);
    }
}
