package cn.egov.manager.noc;

import cn.egov.api.telemetry.Alarm;
import cn.egov.manager.account.Account;
import cn.egov.manager.account.AccountStore;
import cn.egov.manager.account.Role;
import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.noc.store.AlarmBook;
import cn.egov.manager.noc.store.AlarmQuery;
import cn.egov.manager.noc.store.AlarmRef;
import cn.egov.manager.noc.store.NocAlarm;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.JsonBodies;
import cn.egov.manager.web.QueryFilters;
import cn.egov.manager.web.WebAudit;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The alarm list's REST routes:
 * <ul>
 *   <li>{@code GET /api/noc/alarms[?state=open|acknowledged|cleared&severity=&unit=&county=&city=&days=&limit=]}: newest first;</li>
 *   <li>{@code GET /api/noc/alarms/{id}}: one alarm with its comments;</li>
 *   <li>{@code POST /api/noc/alarms/{id}/ack} {@code {}}: acknowledge (409 when it was already, naming who);</li>
 *   <li>{@code POST /api/noc/alarms/{id}/assign} {@code {"assignee": "account"}}: an account that may see the alarm;</li>
 *   <li>{@code POST /api/noc/alarms/{id}/comments} {@code {"text": "..."}}: a comment of at most
 *       {@value AlarmBook#MAX_COMMENT_CHARS} characters, no control characters but line breaks.</li>
 * </ul>
 * Only NOC operators change anything (the dispatcher refuses the other roles and checks the CSRF
 * token); every change, done or refused here, goes to the audit log. A technician sees the alarms
 * of the account's counties' boxes only: any other id is answered 404, as one that does not exist.
 */
final class AlarmsHandler implements Request.Handler {

    static final String PATH = "/api/noc/alarms";
    static final int MAX_BODY = 8192;
    static final int DEFAULT_LIMIT = 200;
    static final int MAX_LIMIT = 2000;

    private final NocState state;
    private final AccountStore accounts;
    private final AuditLog audit;

    AlarmsHandler(NocState state, AccountStore accounts, AuditLog audit) {
        this.state = state;
        this.accounts = accounts;
        this.audit = audit;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        Caller caller = Caller.of(request);
        if (path.equals(PATH) || path.equals(PATH + "/")) {
            return list(request, response, callback, caller);
        }
        String[] parts = path.substring(PATH.length() + 1).split("/", -1);
        Optional<AlarmRef> ref = AlarmRef.parse(parts[0]);
        Optional<NocAlarm> alarm = ref.isEmpty() ? Optional.empty() : state.alarms().find(ref.get());
        if (alarm.isEmpty() || !visible(caller, alarm.get()) || parts.length > 2) {
            return Json.error(response, callback, 404, "no such alarm among those you may see");
        }
        boolean post = "POST".equals(request.getMethod());
        if (parts.length == 1) {
            if (post) {
                response.getHeaders().put(org.eclipse.jetty.http.HttpHeader.ALLOW, "GET, HEAD");
                return Json.error(response, callback, 405, "POST to …/ack, …/assign or …/comments");
            }
            return Json.write(response, callback, 200, detail(alarm.get()));
        }
        if (!post) {
            response.getHeaders().put(org.eclipse.jetty.http.HttpHeader.ALLOW, "POST");
            return Json.error(response, callback, 405, "use POST");
        }
        return switch (parts[1]) {
            case "ack" -> acknowledge(request, response, callback, caller, alarm.get());
            case "assign" -> assign(request, response, callback, caller, alarm.get());
            case "comments" -> comment(request, response, callback, caller, alarm.get());
            default -> Json.error(response, callback, 404, "no such action; use ack, assign or comments");
        };
    }

    /** A technician sees its counties' boxes' alarms, never the manager's own. */
    static boolean visible(Caller caller, NocAlarm a) {
        return caller.provinceWide() || caller.sees(a.ref().clientId());
    }

    private boolean list(Request request, Response response, Callback callback, Caller caller) throws Exception {
        Fields q = Request.extractQueryParameters(request);
        AlarmQuery query;
        try {
            query = query(q::getValue, caller, state.clock().millis(), state.alarmWindow().toDays());
        } catch (IllegalArgumentException e) {
            return Json.error(response, callback, 400, e.getMessage());
        }
        List<Map<String, Object>> out = state.alarms().list(query).stream().map(AlarmsHandler::view).toList();
        return Json.write(response, callback, 200, out);
    }

    /** The list's filters from the query string; a bad one is an {@link IllegalArgumentException} naming it. */
    static AlarmQuery query(java.util.function.UnaryOperator<String> q, Caller caller, long now, long defaultDays) {
        String unit = QueryFilters.unit(q.apply("unit"));
        String county = QueryFilters.county(q.apply("county"));
        String city = QueryFilters.city(q.apply("city"));
        Alarm.Severity sev = QueryFilters.oneOf("severity", q.apply("severity"), Alarm.Severity.class);
        String severity = sev == null ? null : sev.name();
        String s = q.apply("state");
        NocAlarm.State st = null;
        if (s != null && !s.isEmpty() && !s.equals("all")) {
            try {
                st = NocAlarm.State.valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw QueryFilters.bad("state", "open, acknowledged, cleared or all", s);
            }
        }
        long days = QueryFilters.whole("days", q.apply("days"), defaultDays, 1, 366);
        int limit = (int) QueryFilters.whole("limit", q.apply("limit"), DEFAULT_LIMIT, 1, MAX_LIMIT);
        return new AlarmQuery(now - days * 86_400_000L, unit, county, city, severity, st,
                caller.provinceWide() ? null : caller.counties(), limit);
    }

    static Map<String, Object> view(NocAlarm a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.ref().id());
        m.put("clientId", a.ref().clientId());
        m.put("unit", a.unit());
        m.put("kind", a.alarm().kind());
        m.put("severity", a.alarm().severity().name());
        m.put("source", a.alarm().source());
        m.put("message", a.alarm().message());
        m.put("evidence", a.alarm().evidence());
        m.put("time", a.alarm().time());
        m.put("received", a.ref().received());
        m.put("state", a.state().name().toLowerCase(Locale.ROOT));
        m.put("clearedAt", a.clearedAt());
        m.put("acknowledgedAt", a.acknowledgedAt());
        m.put("acknowledgedBy", a.acknowledgedBy());
        m.put("assignee", a.assignee());
        m.put("assignedAt", a.assignedAt());
        m.put("assignedBy", a.assignedBy());
        m.put("comments", a.comments());
        return m;
    }

    private Map<String, Object> detail(NocAlarm a) throws Exception {
        Map<String, Object> m = view(a);
        m.put("comments", state.alarms().comments(a.ref()));
        return m;
    }

    private boolean acknowledge(Request request, Response response, Callback callback, Caller caller, NocAlarm a) throws Exception {
        try {
            JsonBodies.object(request);
        } catch (JsonBodies.BadBody e) {
            return refuse(request, response, callback, "noc.alarm.acknowledge", a, 400, e.getMessage());
        }
        if (!state.alarms().acknowledge(a.ref(), caller.name(), state.clock().millis())) {
            NocAlarm now = state.alarms().find(a.ref()).orElse(a);
            return refuse(request, response, callback, "noc.alarm.acknowledge", a, 409,
                    "already acknowledged by " + now.acknowledgedBy() + " at " + Judge.time(now.acknowledgedAt()));
        }
        return done(request, response, callback, "noc.alarm.acknowledge", a, "");
    }

    private boolean assign(Request request, Response response, Callback callback, Caller caller, NocAlarm a) throws Exception {
        String assignee;
        try {
            JsonNode body = JsonBodies.object(request);
            assignee = body.path("assignee").asText("");
        } catch (JsonBodies.BadBody e) {
            return refuse(request, response, callback, "noc.alarm.assign", a, 400, e.getMessage());
        }
        Optional<Account> account = assignee.matches("[A-Za-z0-9._-]{1,64}") ? accounts.find(assignee) : Optional.empty();
        if (account.isEmpty()) {
            return refuse(request, response, callback, "noc.alarm.assign", a, 400, "assignee must be the name of an account");
        }
        Account who = account.get();
        boolean sees = who.role() == Role.NOC || who.role() == Role.TECHNICIAN
                && Caller.account(who.name(), who.role(), who.counties()).sees(a.ref().clientId());
        if (!sees) {
            return refuse(request, response, callback, "noc.alarm.assign", a, 400, "account " + who.name() + " (" + who.role().label
                    + ") cannot act on this alarm: assign it to a NOC operator or a technician of the unit's county");
        }
        state.alarms().assign(a.ref(), who.name(), caller.name(), state.clock().millis());
        return done(request, response, callback, "noc.alarm.assign", a, "assignee " + who.name());
    }

    private boolean comment(Request request, Response response, Callback callback, Caller caller, NocAlarm a) throws Exception {
        String text;
        try {
            JsonNode body = JsonBodies.object(request);
            text = body.path("text").asText("").strip();
        } catch (JsonBodies.BadBody e) {
            return refuse(request, response, callback, "noc.alarm.comment", a, 400, e.getMessage());
        }
        String problem = text.isEmpty() ? "text is empty"
                : text.length() > AlarmBook.MAX_COMMENT_CHARS ? "text is longer than " + AlarmBook.MAX_COMMENT_CHARS + " characters"
                : text.codePoints().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')
                ? "text holds control characters (only line breaks and tabs are kept)" : null;
        if (problem != null) {
            return refuse(request, response, callback, "noc.alarm.comment", a, 400, problem);
        }
        state.alarms().comment(a.ref(), caller.name(), state.clock().millis(), text);
        return done(request, response, callback, "noc.alarm.comment", a, text.length() + " characters");
    }

    private static String target(NocAlarm a) {
        return a.ref().clientId() + " " + a.alarm().kind() + " " + Judge.time(a.ref().received());
    }

    private boolean done(Request request, Response response, Callback callback, String action, NocAlarm a, String detail) throws Exception {
        audit.record(WebAudit.entry(request, action, target(a), AuditEntry.Outcome.SUCCESS, detail));
        NocAlarm now = state.alarms().find(a.ref()).orElse(a);
        return Json.write(response, callback, 200, detail(now));
    }

    private boolean refuse(Request request, Response response, Callback callback, String action, NocAlarm a, int status, String why)
            throws Exception {
        audit.record(WebAudit.entry(request, action, target(a), AuditEntry.Outcome.REFUSED, why));
        return Json.error(response, callback, status, why);
    }
}
