package cn.egov.duty.console;

import cn.egov.api.duty.DeadlineRules;
import cn.egov.api.duty.DutyInputException;
import cn.egov.api.duty.DutyReport;
import cn.egov.api.duty.EventCategory;
import cn.egov.api.duty.ReportKind;
import cn.egov.api.duty.ReportLevel;
import cn.egov.api.duty.ReportReceipt;
import cn.egov.api.duty.ReportStatus;
import cn.egov.api.duty.Shift;
import cn.egov.api.json.JsonValues;
import cn.egov.api.web.UnreadBody;
import cn.egov.duty.DutyActor;
import cn.egov.duty.DutyDesk;
import cn.egov.duty.DutyForbiddenException;
import cn.egov.duty.FiledReport;
import cn.egov.duty.Incident;
import cn.egov.duty.IncidentDraft;
import cn.egov.duty.ReportDraft;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The duty desk as JSON, for API clients (the console's session with {@code X-CSRF-Token}, or the
 * user's API token); times are ISO-8601 UTC.
 *
 * <ul>
 *   <li>{@code GET /duty/api/events}: events, newest first, each with its deadlines and reports (and the province's receipts);</li>
 *   <li>{@code POST /duty/api/events} {@code {"title","level","category","status","occurredAt"}}: record an event (201);</li>
 *   <li>{@code GET /duty/api/events/{n}}: one event;</li>
 *   <li>{@code POST /duty/api/events/{n}/reports} {@code {"kind","number","level","title","location","description",
 *       "measures","deaths","injured","missing","reporter","phone"}}: file a report (201);</li>
 *   <li>{@code POST /duty/api/events/{n}/phone} {@code {"at"}}: the phone report was made (now when {@code at} is absent);</li>
 *   <li>{@code GET /duty/api/roster}: the roster as published to the province.</li>
 * </ul>
 * A refusal is 400 {@code {"error","field"}} (403 for who may not), and nothing is stored.
 */
final class DutyApi {

    static final String PREFIX = "/duty/api/";
    /** Largest JSON body read (a report at its bounds is ~20 KB). */
    static final int MAX_BODY = 64 * 1024;
    private static final Pattern EVENT = Pattern.compile("/duty/api/events/(\\d{1,18})(/reports|/phone)?");

    private final DutyDesk desk;

    DutyApi(DutyDesk desk) {
        this.desk = desk;
    }

    boolean handle(Request request, Response response, Callback callback, DutyActor actor) throws IOException {
        String path = Request.getPathInContext(request);
        boolean post = "POST".equals(request.getMethod());
        try {
            desk.checkUnit(actor);
            if (path.equals(PREFIX + "events")) {
                if (!post) {
                    return json(response, callback, 200, Map.of("events", desk.incidents(false, 200).stream().map(this::event).toList()));
                }
                Map<?, ?> b = body(request);
                Incident i = desk.register(new IncidentDraft(text(b, "title"), level(b), EventCategory.parse(text(b, "category")),
                        ReportStatus.parse(text(b, "status")), time(b, "occurredAt")), actor);
                return json(response, callback, 201, Map.of("event", event(i)));
            }
            Matcher m = EVENT.matcher(path);
            if (m.matches()) {
                long key = Long.parseLong(m.group(1));
                if (m.group(2) == null && !post) {
                    return json(response, callback, 200, Map.of("event", event(desk.incident(key))));
                }
                if ("/reports".equals(m.group(2)) && post) {
                    Map<?, ?> b = body(request);
                    Object n = b.get("number");
                    // range first: 4294967297 must not pass as 1 through intValue()
                    if (n != null && !(n instanceof Long l && l >= 0 && l <= Integer.MAX_VALUE)) {
                        throw new DutyInputException("number", "number must be a whole number 0.." + Integer.MAX_VALUE);
                    }
                    FiledReport f = desk.file(key, new ReportDraft(ReportKind.parse(text(b, "kind")), n == null ? null : ((Long) n).intValue(),
                            level(b), text(b, "title"), text(b, "location"), text(b, "description"), text(b, "measures"),
                            new DutyReport.Casualties(count(b, "deaths"), count(b, "injured"), count(b, "missing")), text(b, "reporter"),
                            text(b, "phone")), actor);
                    return json(response, callback, 201, Map.of("report", report(f)));
                }
                if ("/phone".equals(m.group(2)) && post) {
                    Map<?, ?> b = body(request);
                    return json(response, callback, 200, Map.of("event", event(desk.phoneReported(key, b.get("at") == null ? null
                            : time(b, "at"), actor))));
                }
            }
            if (path.equals(PREFIX + "roster") && !post) {
                var roster = desk.roster();
                return json(response, callback, 200, Map.of("unit", roster.unit().toString(), "version", roster.version(),
                        "shifts", roster.shifts().stream().map(DutyApi::shift).toList()));
            }
            return json(response, callback, 404, Map.of("error", "no such path: " + path));
        } catch (DutyInputException e) {
            return json(response, callback, 400, Map.of("error", e.getMessage(), "field", e.field()));
        } catch (DutyForbiddenException e) {
            return json(response, callback, 403, Map.of("error", e.getMessage()));
        } catch (BodyTooLarge e) {
            return json(response, callback, 413, Map.of("error", "the body is larger than " + MAX_BODY + " bytes"));
        }
    }

    private Map<String, Object> event(Incident i) {
        DeadlineRules.Due due = i.due(desk.settings().deadlines());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", i.key());
        m.put("title", i.title());
        m.put("level", i.level().name());
        m.put("category", i.category().name());
        m.put("status", i.status().cap());
        m.put("occurredAt", i.occurredAt().toString());
        m.put("registeredBy", i.registeredBy());
        m.put("phoneDue", due.phone() == null ? null : due.phone().toString());
        m.put("phoneReportedAt", i.phoneReportedAt() == null ? null : i.phoneReportedAt().toString());
        m.put("writtenDue", due.written().toString());
        m.put("incident", i.incidentId());
        m.put("closed", i.closed());
        m.put("reports", desk.reports(i.key()).stream().map(DutyApi::report).toList());
        return m;
    }

    static Map<String, Object> report(FiledReport f) {
        DutyReport r = f.report();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("label", r.label());
        m.put("kind", r.kind().name());
        m.put("number", (long) r.number());
        m.put("level", r.level().name());
        m.put("filedAt", r.filedAt().toString());
        m.put("filedBy", f.filedBy());
        m.put("queued", f.queued());
        ReportReceipt c = f.receipt();
        if (c != null) {
            Map<String, Object> rc = new LinkedHashMap<>();
            rc.put("receivedAt", c.receivedAt().toString());
            rc.put("acknowledgedAt", c.acknowledgedAt() == null ? null : c.acknowledgedAt().toString());
            rc.put("acknowledgedBy", c.acknowledgedBy());
            rc.put("escalationStep", (long) c.escalationStep());
            rc.put("escalatedTo", c.escalatedTo());
            m.put("receipt", rc);
        }
        m.put("cap", "/duty/report/" + r.id() + "/cap");
        return m;
    }

    private static Map<String, Object> shift(Shift s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("start", s.start().toString());
        m.put("end", s.end().toString());
        m.put("role", s.role().name());
        m.put("person", s.person());
        m.put("phone", s.phone());
        return m;
    }

    // ---- reading

    private static final class BodyTooLarge extends Exception {
        private static final long serialVersionUID = 1L;
    }

    private static Map<?, ?> body(Request request) throws IOException, BodyTooLarge {
        byte[] bytes;
        try (InputStream in = Content.Source.asInputStream(request)) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) {
            throw new BodyTooLarge();
        }
        Object v;
        try {
            v = JsonValues.parse(new String(bytes, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new DutyInputException("body", "the body is not JSON: " + e.getMessage());
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new DutyInputException("body", "the body must be a JSON object");
        }
        return m;
    }

    private static String text(Map<?, ?> b, String name) {
        Object v = b.get(name);
        if (v != null && !(v instanceof String)) {
            throw new DutyInputException(name, name + " must be text");
        }
        return (String) v;
    }

    private static ReportLevel level(Map<?, ?> b) {
        String l = text(b, "level");
        return l == null || l.isBlank() ? null : ReportLevel.parse(l);
    }

    private static int count(Map<?, ?> b, String name) {
        Object v = b.get(name);
        if (v == null) {
            return 0;
        }
        if (!(v instanceof Long n) || n < 0 || n > DutyReport.MAX_COUNT) {
            throw new DutyInputException(name, name + " must be a whole number 0.." + DutyReport.MAX_COUNT);
        }
        return n.intValue();
    }

    private static Instant time(Map<?, ?> b, String name) {
        String t = text(b, name);
        if (t == null) {
            throw new DutyInputException(name, name + " is missing");
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new DutyInputException(name, name + " '" + t + "' is not an ISO-8601 time like 2026-07-01T01:20:00Z");
        }
    }

    private static boolean json(Response response, Callback callback, int status, Object body) {
        UnreadBody.beforeAnswer(response, status);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        Content.Sink.write(response, true, JsonValues.canonical(body), callback);
        return true;
    }

}
