package cn.egov.duty.console;

import cn.egov.api.duty.CapWriter;
import cn.egov.api.duty.DutyInputException;
import cn.egov.api.duty.DutyReport;
import cn.egov.api.duty.EventCategory;
import cn.egov.api.duty.ReportKind;
import cn.egov.api.duty.ReportLevel;
import cn.egov.api.duty.ReportStatus;
import cn.egov.api.duty.Shift;
import cn.egov.api.duty.ShiftRole;
import cn.egov.console.api.ConsoleSection;
import cn.egov.console.api.ConsoleUser;
import cn.egov.console.api.Role;
import cn.egov.console.api.SectionContext;
import cn.egov.duty.DutyActor;
import cn.egov.duty.DutyDesk;
import cn.egov.duty.DutyForbiddenException;
import cn.egov.duty.FiledReport;
import cn.egov.duty.Incident;
import cn.egov.duty.IncidentDraft;
import cn.egov.duty.ReportDraft;
import cn.egov.duty.pages.jte.JtedeskGenerated;
import cn.egov.duty.pages.jte.JteeventGenerated;
import cn.egov.duty.pages.jte.JterosterGenerated;
import gg.jte.TemplateOutput;
import gg.jte.html.HtmlTemplateOutput;
import gg.jte.html.OwaspHtmlTemplateOutput;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The duty officer's pages in the box's console, at {@code /duty/} (值班), for duty officers and
 * technicians; the console has done log-in, role, CSRF and origin checks and audits every POST.
 *
 * <ul>
 *   <li>{@code /duty/}: events with their phone and written deadlines as they stand; record an event;</li>
 *   <li>{@code /duty/event/{n}}: its reports and what the province did with each; phone report made;
 *       file the next report (初报, then 续报 n, 终报 or 撤报);</li>
 *   <li>{@code /duty/roster}: the roster, swap requests, and the forms of whoever may use them;</li>
 *   <li>{@code /duty/report/{id}/cap}: a filed report as CAP 1.2;</li>
 *   <li>{@code /duty/api/...}: the same as JSON for API clients ({@link DutyApi}).</li>
 * </ul>
 * A refused form comes back as the page with status 400 (403 when the account may not do it), the
 * reason in one line (the desk's words) and the form filled in as it was sent; nothing is stored.
 * A form that succeeded is answered with 303 to the page that shows its result (post/redirect/get), so a
 * refresh does not send it again; the result message is made from what is stored, never from the
 * link alone ({@link #eventMessage}, {@link #rosterMessage}).
 */
public final class DutySection implements ConsoleSection {

    private static final Pattern EVENT = Pattern.compile("/duty/event/(\\d{1,18})(/phone|/report)?");
    private static final Pattern SWAP = Pattern.compile("/duty/roster/swap/(\\d{1,18})/(approve|refuse)");
    private static final Pattern CAP = Pattern.compile("/duty/report/([0-9_]{31})/cap");
    /** Query parameters of the pages a successful form redirects to, naming what it did. */
    private static final String NOTED = "noted";
    private static final String FILED = "filed";
    private static final String SAVED = "saved";
    private static final String REMOVED = "removed";
    private static final String SWAP_DONE = "swap";
    /** The roster page shows yesterday to two weeks ahead. */
    private static final Duration ROSTER_BACK = Duration.ofDays(1);
    private static final Duration ROSTER_AHEAD = Duration.ofDays(14);

    private final DutyDesk desk;
    private final Clock clock;
    private final DutyViews views;
    private final DutyApi api;

    public DutySection(DutyDesk desk, Clock clock) {
        this.desk = desk;
        this.clock = clock;
        this.views = new DutyViews(desk, clock);
        this.api = new DutyApi(desk);
    }

    @Override
    public String path() {
        return "duty";
    }

    @Override
    public String title() {
        return "值班 Duty";
    }

    @Override
    public Set<Role> roles() {
        return Set.of(Role.DUTY_OFFICER, Role.TECHNICIAN);
    }

    @Override
    public Request.Handler handler() {
        return this::handle;
    }

    static DutyActor actor(ConsoleUser u) {
        return new DutyActor(u.name(), u.unit(), u.has(Role.DUTY_OFFICER), u.has(Role.TECHNICIAN));
    }

    private boolean handle(Request request, Response response, Callback callback) throws Exception {
        SectionContext ctx = SectionContext.of(request);
        String path = Request.getPathInContext(request);
        boolean post = "POST".equals(request.getMethod());
        if (path.startsWith(DutyApi.PREFIX)) {
            return api.handle(request, response, callback, actor(ctx.user()));
        }
        try {
            desk.checkUnit(actor(ctx.user()));
        } catch (DutyForbiddenException e) {
            response.setStatus(HttpStatus.FORBIDDEN_403);
            ctx.render(response, callback, title(), out -> {
                out.writeContent("<p class=\"message bad\" id=\"forbidden\">");
                out.writeUserContent(refusal(e));
                out.writeContent("</p>");
            });
            return true;
        }
        Matcher cap = CAP.matcher(path);
        if (cap.matches() && !post) {
            return cap(response, callback, cap.group(1));
        }
        if (path.equals("/duty/") && !post) {
            return desk(ctx, response, callback, "", true, Map.of());
        }
        if (path.equals("/duty/events") && post) {
            return register(request, ctx, response, callback);
        }
        Matcher event = EVENT.matcher(path);
        if (event.matches()) {
            long key = Long.parseLong(event.group(1));
            if (event.group(2) == null && !post) {
                return event(ctx, response, callback, key, eventMessage(key, Request.extractQueryParameters(request)), true, Map.of());
            }
            if ("/phone".equals(event.group(2)) && post) {
                return phone(request, ctx, response, callback, key);
            }
            if ("/report".equals(event.group(2)) && post) {
                return file(request, ctx, response, callback, key);
            }
        }
        if (path.equals("/duty/roster") && !post) {
            return roster(ctx, response, callback, rosterMessage(Request.extractQueryParameters(request)), true, Map.of(), Map.of());
        }
        if (path.startsWith("/duty/roster/") && post) {
            return rosterChange(request, ctx, response, callback, path);
        }
        return false; // the console answers 404
    }

    // ---- pages

    /** @param form the fields of a refused form, to fill it in again (empty: a fresh form) */
    private boolean desk(SectionContext ctx, Response response, Callback callback, String message, boolean ok, Map<String, String> form) {
        List<EventRow> events = views.events();
        boolean officer = ctx.user().has(Role.DUTY_OFFICER);
        String rules = desk.settings().deadlines().toSentence();
        ctx.render(response, callback, "值班 Duty: 事件 Events", out -> JtedeskGenerated.render(html(out), null, message, ok, events,
                ctx.csrfField(), views.nowField(), officer, rules, form));
        return true;
    }

    private boolean event(SectionContext ctx, Response response, Callback callback, long key, String message, boolean ok,
                          Map<String, String> form) {
        Incident i;
        try {
            i = desk.incident(key);
        } catch (DutyInputException e) {
            return false;
        }
        EventRow row = views.event(i, clock.instant());
        List<ReportRow> reports = views.reports(key);
        String nextKind = reports.isEmpty() ? ReportKind.INITIAL.chinese() : ReportKind.FOLLOW_UP.chinese();
        boolean officer = ctx.user().has(Role.DUTY_OFFICER);
        ctx.render(response, callback, "事件 Event " + key + ": " + i.title(), out -> JteeventGenerated.render(html(out), null, message, ok,
                row, reports, ctx.csrfField(), officer, nextKind, reports.size(), i.level().chinese(), ctx.user().name(), form));
        return true;
    }

    /** {@code swapForm} and {@code shiftForm}: the fields of a refused swap request or shift, to fill that form in again. */
    private boolean roster(SectionContext ctx, Response response, Callback callback, String message, boolean ok,
                           Map<String, String> swapForm, Map<String, String> shiftForm) {
        Instant now = clock.instant();
        DutyActor actor = actor(ctx.user());
        boolean keeper = actor.technician() || actor.dutyOfficer() && desk.settings().leads().contains(actor.name());
        ctx.render(response, callback, "值班表 Duty roster", out -> JterosterGenerated.render(html(out), null, message, ok,
                views.shifts(now.minus(ROSTER_BACK), now.plus(ROSTER_AHEAD)), views.swaps(), ctx.csrfField(), actor.dutyOfficer(), keeper,
                views.nowField(), views.shiftChoices(), swapForm, shiftForm));
        return true;
    }

    private boolean cap(Response response, Callback callback, String id) {
        var filed = desk.report(id);
        if (filed.isEmpty()) {
            return false;
        }
        DutyReport r = filed.get().report();
        List<DutyReport> incident = desk.reports(filed.get().incidentKey()).stream().map(FiledReport::report).toList();
        byte[] xml = CapWriter.write(r, incident, desk.unit().toString());
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/xml; charset=utf-8");
        response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\"" + id + ".xml\"");
        response.write(true, ByteBuffer.wrap(xml), callback);
        return true;
    }

    // ---- actions

    private boolean register(Request request, SectionContext ctx, Response response, Callback callback) throws Exception {
        Fields f = FormFields.getFields(request);
        try {
            Incident i = desk.register(new IncidentDraft(f.getValue("title"), level(f.getValue("level")),
                    EventCategory.parse(f.getValue("category")), ReportStatus.parse(f.getValue("status")),
                    DutyViews.field("occurred", f.getValue("occurred"))), actor(ctx.user()));
            ctx.audit("duty: record event", Long.toString(i.key()), "recorded " + i.level().chinese() + " " + i.title());
            Response.sendRedirect(request, response, callback, HttpStatus.SEE_OTHER_303, "/duty/event/" + i.key(), true);
            return true;
        } catch (DutyInputException | DutyForbiddenException e) {
            ctx.audit("duty: record event", "", "refused: " + e.getMessage());
            return desk(ctx, response, callback, refused(response, e), false, typed(f));
        }
    }

    private boolean phone(Request request, SectionContext ctx, Response response, Callback callback, long key) {
        try {
            desk.phoneReported(key, null, actor(ctx.user()));
            ctx.audit("duty: phone report", Long.toString(key), "noted");
            Response.sendRedirect(request, response, callback, HttpStatus.SEE_OTHER_303, "/duty/event/" + key + "?" + NOTED + "=phone", true);
            return true;
        } catch (DutyInputException | DutyForbiddenException e) {
            return event(ctx, response, callback, key, refused(response, e), false, Map.of());
        }
    }

    private boolean file(Request request, SectionContext ctx, Response response, Callback callback, long key) throws Exception {
        Fields f = FormFields.getFields(request);
        try {
            ReportDraft draft = new ReportDraft(ReportKind.parse(f.getValue("kind")), number(f.getValue("number")), level(f.getValue("level")),
                    f.getValue("title"), f.getValue("location"), f.getValue("description"), f.getValue("measures"),
                    new DutyReport.Casualties(count(f, "deaths"), count(f, "injured"), count(f, "missing")), f.getValue("reporter"),
                    f.getValue("phone"));
            FiledReport filed = desk.file(key, draft, actor(ctx.user()));
            ctx.audit("duty: file report", filed.report().id(), filed.report().label() + " of event " + key);
            Response.sendRedirect(request, response, callback, HttpStatus.SEE_OTHER_303,
                    "/duty/event/" + key + "?" + FILED + "=" + filed.report().id(), true);
            return true;
        } catch (DutyInputException | DutyForbiddenException e) {
            ctx.audit("duty: file report", Long.toString(key), "refused: " + e.getMessage());
            return event(ctx, response, callback, key, refused(response, e), false, typed(f));
        }
    }

    private boolean rosterChange(Request request, SectionContext ctx, Response response, Callback callback, String path) throws Exception {
        Fields f = FormFields.getFields(request);
        DutyActor actor = actor(ctx.user());
        String done;
        try {
            Matcher swap = SWAP.matcher(path);
            if (path.equals("/duty/roster/shift")) {
                Shift s = desk.putShift(new Shift(f.getValue("id"), DutyViews.field("start", f.getValue("start")),
                        DutyViews.field("end", f.getValue("end")), ShiftRole.parse(f.getValue("role")), f.getValue("person"),
                        f.getValue("phone")), actor);
                done = query(SAVED, s.id());
            } else if (path.equals("/duty/roster/shift/remove")) {
                desk.removeShift(f.getValue("id"), actor);
                done = query(REMOVED, f.getValue("id"));
            } else if (path.equals("/duty/roster/swap")) {
                var s = desk.requestSwap(f.getValue("shift"), f.getValue("person"), f.getValue("phone"), f.getValue("reason"), actor);
                done = query(SWAP_DONE, Long.toString(s.id()));
            } else if (swap.matches()) {
                var s = desk.decideSwap(Long.parseLong(swap.group(1)), swap.group(2).equals("approve"), actor);
                done = query(SWAP_DONE, Long.toString(s.id()));
            } else {
                return false;
            }
            ctx.audit("duty: roster", path.substring("/duty/roster/".length()), done);
            Response.sendRedirect(request, response, callback, HttpStatus.SEE_OTHER_303, "/duty/roster?" + done, true);
            return true;
        } catch (DutyInputException | DutyForbiddenException e) {
            ctx.audit("duty: roster", path.substring("/duty/roster/".length()), "refused: " + e.getMessage());
            // only the form that was sent is filled in again (the swap and shift forms share field names)
            Map<String, String> typed = typed(f);
            return roster(ctx, response, callback, refused(response, e), false, path.equals("/duty/roster/swap") ? typed : Map.of(),
                    path.equals("/duty/roster/shift") ? typed : Map.of());
        }
    }

    // ---- what a redirect after a form shows: only what the store confirms

    /** The result of a form on the event page: a phone report noted, a report filed (of this event). */
    private String eventMessage(long key, Fields query) {
        String filedId = query.getValue(FILED);
        if (filedId != null) {
            return desk.report(filedId).filter(f -> f.incidentKey() == key).map(f -> "已报送 Filed " + f.report().label() + " " + f.report().id()
                    + (f.queued() || f.receipt() != null ? ": 已排队发往省值班室 queued for the province (first in line)"
                            : ": 已保存, 稍后排队 stored, queued shortly")).orElse("");
        }
        if (query.getValue(NOTED) != null) {
            try {
                return desk.incident(key).phoneReportedAt() != null ? "已记录电话报告 Phone report noted" : "";
            } catch (DutyInputException e) {
                return ""; // no such event: the page answers 404
            }
        }
        return "";
    }

    /** The result of a roster form: a shift saved or removed, a swap asked for or decided. */
    private String rosterMessage(Fields query) {
        String saved = query.getValue(SAVED);
        if (saved != null) {
            return desk.shift(saved).map(s -> "已保存班次 Shift saved: " + s.id()).orElse("");
        }
        String removed = query.getValue(REMOVED);
        if (removed != null) {
            return desk.shift(removed).isEmpty() ? "已删除班次 Shift removed: " + removed : "";
        }
        String swap = query.getValue(SWAP_DONE);
        if (swap != null && swap.matches("\\d{1,18}")) {
            long id = Long.parseLong(swap);
            return views.swaps().stream().filter(r -> r.id() == id).map(r -> "换班申请 Swap request #" + id + ": " + r.state())
                    .findFirst().orElse("");
        }
        return "";
    }

    /** What a roster form did, as the roster page's query ({@link #rosterMessage} shows it) and the audit's outcome. */
    private static String query(String name, String value) {
        return name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    // ---- form values

    static ReportLevel level(String text) {
        return text == null || text.isBlank() ? null : ReportLevel.parse(text);
    }

    static Integer number(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(text.strip());
        } catch (NumberFormatException e) {
            throw new DutyInputException("number", "number '" + text.strip() + "' is not a whole number");
        }
    }

    private static int count(Fields f, String name) {
        String v = f.getValue(name);
        if (v == null || v.isBlank()) {
            return 0;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new DutyInputException(name, name + " '" + v.strip() + "' is not a whole number");
        }
    }

    /**
     * Sets the status of a refused form's page, 403 when the account may not do it, else 400 (bad
     * input), as the manager's console forms answer; returns the reason to show.
     */
    private static String refused(Response response, RuntimeException e) {
        response.setStatus(e instanceof DutyForbiddenException ? HttpStatus.FORBIDDEN_403 : HttpStatus.BAD_REQUEST_400);
        return refusal(e);
    }

    /** A refused form's fields as they were sent, to fill the form in again. */
    private static Map<String, String> typed(Fields f) {
        Map<String, String> values = new HashMap<>();
        f.forEach(field -> values.put(field.getName(), field.getValue()));
        return values;
    }

    private static String refusal(RuntimeException e) {
        return (e instanceof DutyForbiddenException ? "不允许 Not allowed: " : "未保存 Not stored: ") + e.getMessage();
    }

    private static HtmlTemplateOutput html(TemplateOutput output) {
        return output instanceof HtmlTemplateOutput h ? h : new OwaspHtmlTemplateOutput(output);
    }
}
