package cn.egov.manager.duty;

import cn.egov.api.time.BeijingTime;
import static cn.egov.manager.web.HtmlPage.esc;

import cn.egov.api.duty.DutyReport;
import cn.egov.api.duty.Shift;
import cn.egov.api.duty.ShiftRole;
import cn.egov.manager.account.Role;
import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.HtmlPage;
import cn.egov.manager.web.WebRoutes;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /duty}: the province's duty office page. Reports waiting for acknowledgement on top (the
 * longest waiting first, escalated ones marked), with a 签收 button for duty officers (the page's
 * script posts {@code /api/duty/reports/{id}/ack}); then the recent acknowledged ones, the duty
 * alarms of the last day, who is on duty now in every unit, and refused report messages.
 */
final class DutyPageHandler implements Request.Handler {

    private static final int SHOWN = 100;
    private static final int ALARMS_SHOWN = 20;

    private final DutyOffice office;
    private final FleetRegistry fleet;
    private final WebRoutes routes;
    private final Clock clock;

    DutyPageHandler(DutyOffice office, FleetRegistry fleet, WebRoutes routes, Clock clock) {
        this.office = office;
        this.fleet = fleet;
        this.routes = routes;
        this.clock = clock;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        boolean officer = Caller.of(request) != null && Caller.of(request).role() == Role.DUTY_OFFICER;
        List<OfficeReport> reports = office.store().list(null, false, SHOWN);
        List<OfficeReport> waiting = reports.stream().filter(o -> !o.acknowledged()).toList();
        StringBuilder b = new StringBuilder();
        b.append("<p class=\"summary\"><span>待签收 waiting: <b id=\"waiting-count\">").append(waiting.size())
                .append("</b></span><span>已升级 escalated: <b>").append(waiting.stream().filter(OfficeReport::escalated).count())
                .append("</b></span><span class=\"muted\">升级链 chain: ")
                .append(esc(office.settings().escalation().steps().stream().map(EscalationPolicy.Step::label)
                        .collect(Collectors.joining(" → ")))).append("</span></p>");
        b.append("<p id=\"ack-status\" class=\"error\"></p>");
        b.append("<h2>待签收 Waiting for acknowledgement</h2>");
        table(b, waiting, officer);
        b.append("<h2>已签收 Acknowledged</h2>");
        table(b, reports.stream().filter(OfficeReport::acknowledged).toList(), false);
        alarms(b);
        rosters(b);
        refusals(b);
        b.append("<script src=\"").append(DutyPart.SCRIPT).append("\" defer></script>");
        return HtmlPage.write(request, response, callback, routes, "值班 Duty office", b.toString());
    }

    private void table(StringBuilder b, List<OfficeReport> list, boolean ackButtons) {
        if (list.isEmpty()) {
            b.append("<p class=\"muted\">—</p>");
            return;
        }
        b.append("<table><tr><th>级别</th><th>单位 Unit</th><th>报告 Report</th><th>事件 Event</th><th>发生 Occurred</th>"
                + "<th>报送 Filed</th><th>收到 Received</th><th>状态 State</th><th>CAP</th>")
                .append(ackButtons ? "<th></th>" : "").append("</tr>");
        for (OfficeReport o : list) {
            DutyReport r = o.report();
            String unitName = fleet.get(r.unit().toString()).map(x -> x.displayName()).orElse("");
            b.append("<tr id=\"report-").append(esc(r.id())).append("\"").append(o.escalated() && !o.acknowledged() ? " class=\"warn\"" : "")
                    .append("><td>").append(esc(r.level().chinese())).append("</td><td>").append(esc(r.unit())).append(" ")
                    .append(esc(unitName)).append("</td><td>").append(esc(r.label()))
                    .append(r.status() == cn.egov.api.duty.ReportStatus.ACTUAL ? "" : " (" + esc(r.status().chinese()) + ")")
                    .append("<br><span class=\"muted\">").append(esc(r.id())).append("</span></td><td>").append(esc(r.title()))
                    .append(content(r)).append("</td><td>").append(time(r.occurredAt())).append("</td><td>").append(time(r.filedAt()))
                    .append(o.late() ? " <b class=\"error\">超时 late</b>" : "").append("</td><td>").append(time(o.receivedAt()))
                    .append("</td><td class=\"state\">");
            if (o.acknowledged()) {
                b.append("已签收 ").append(esc(o.acknowledgedBy())).append(" ").append(time(o.acknowledgedAt()));
            } else {
                b.append(o.escalated() ? "<b>已升级</b> → " : "→ ").append(esc(office.settings().escalation().step(o.step()).name()));
            }
            b.append("</td><td><a href=\"").append(esc(DutyPart.REPORTS + "/" + r.id() + "/cap")).append("\">XML</a></td>");
            if (ackButtons) {
                b.append("<td><button type=\"button\" class=\"ack\" id=\"ack-").append(esc(r.id())).append("\" data-ack=\"")
                        .append(esc(r.id())).append("\">签收</button></td>");
            }
            b.append("</tr>");
        }
        b.append("</table>");
    }

    /** What the report says, for the officer to read before 签收 (folded: the table stays one line per report). */
    private static String content(DutyReport r) {
        DutyReport.Casualties c = r.casualties();
        return "<details><summary>内容 Details</summary><dl>" + item("地点 Where", r.location()) + item("情况 What happened", r.description())
                + item("伤亡 Casualties", "死亡 " + c.deaths() + ", 受伤 " + c.injured() + ", 失踪 " + c.missing())
                + item("已采取措施 Measures", r.measures()) + item("报告人 Reporter", (r.reporter() + " " + r.phone()).strip()) + "</dl></details>";
    }

    private static String item(String label, String value) {
        return value == null || value.isBlank() ? "" : "<dt>" + label + "</dt><dd>" + esc(value) + "</dd>";
    }

    /** The duty alarms of the last day: the office's escalations and refusals, the boxes' deadline warnings. */
    private void alarms(StringBuilder b) throws java.sql.SQLException {
        List<DutyOfficeStore.StoredAlarm> list = office.store().alarms(DutyAlarmsHandler.KINDS, clock.instant().minus(java.time.Duration.ofDays(1)),
                ALARMS_SHOWN);
        b.append("<h2>值班告警 Duty alarms (24 h)</h2>");
        if (list.isEmpty()) {
            b.append("<p class=\"muted\">—</p>");
            return;
        }
        b.append("<table id=\"alarms\"><tr><th>时间 Time</th><th>级别 Severity</th><th>来自 From</th><th>告警 Alarm</th><th>内容 Message</th></tr>");
        for (DutyOfficeStore.StoredAlarm a : list) {
            b.append("<tr><td>").append(time(Instant.ofEpochMilli(a.alarm().time()))).append("</td><td>").append(esc(a.alarm().severity().name()))
                    .append("</td><td>").append(esc(a.clientId())).append("</td><td>").append(esc(a.alarm().kind())).append("</td><td>")
                    .append(esc(a.alarm().message())).append("</td></tr>");
        }
        b.append("</table>");
    }

    private void rosters(StringBuilder b) throws java.sql.SQLException {
        b.append("<h2>今日值班 On duty now</h2>");
        List<DutyOfficeStore.StoredRoster> rosters = office.store().rosters(null);
        if (rosters.isEmpty()) {
            b.append("<p class=\"muted\">no roster received yet</p>");
            return;
        }
        Instant now = clock.instant();
        b.append("<table><tr><th>单位 Unit</th><th>带班领导 Lead</th><th>值班员 Officer</th><th>版本 Version</th><th>更新 Updated</th></tr>");
        for (DutyOfficeStore.StoredRoster s : rosters) {
            String unit = s.roster().unit().toString();
            List<Shift> on = s.roster().onDuty(now);
            b.append("<tr id=\"roster-").append(esc(unit)).append("\"><td>").append(esc(unit)).append(" ")
                    .append(esc(fleet.get(unit).map(x -> x.displayName()).orElse(""))).append("</td><td>")
                    .append(people(on, ShiftRole.LEAD)).append("</td><td>").append(people(on, ShiftRole.OFFICER)).append("</td><td>")
                    .append(s.roster().version()).append("</td><td>").append(time(s.receivedAt())).append("</td></tr>");
        }
        b.append("</table>");
    }

    private static String people(List<Shift> on, ShiftRole role) {
        String s = on.stream().filter(x -> x.role() == role).map(x -> esc(x.person()) + (x.phone().isEmpty() ? "" : " " + esc(x.phone())))
                .collect(Collectors.joining("<br>"));
        return s.isEmpty() ? "<span class=\"error\">无人 nobody</span>" : s;
    }

    private void refusals(StringBuilder b) throws java.sql.SQLException {
        List<DutyOfficeStore.Refusal> list = office.store().refusals(20);
        if (list.isEmpty()) {
            return;
        }
        b.append("<h2>被拒收 Refused report messages</h2><table><tr><th>收到 Received</th><th>单位 Unit</th><th>报告 Report</th>"
                + "<th>字段 Field</th><th>原因 Reason</th></tr>");
        for (DutyOfficeStore.Refusal r : list) {
            b.append("<tr><td>").append(time(r.receivedAt())).append("</td><td>").append(esc(r.unit())).append("</td><td>")
                    .append(esc(r.reportId())).append("</td><td>").append(esc(r.field())).append("</td><td>").append(esc(r.reason()))
                    .append(r.resolved() ? " <span class=\"muted\">(accepted later)</span>" : "").append("</td></tr>");
        }
        b.append("</table>");
    }

    private static String time(Instant t) {
        return t == null ? "—" : esc(BeijingTime.withoutYear(t));
    }
}
