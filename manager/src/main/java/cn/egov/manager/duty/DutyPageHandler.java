package cn.egov.manager.duty;

import cn.egov.api.time.BeijingTime;

import cn.egov.api.duty.DutyReport;
import cn.egov.api.duty.Shift;
import cn.egov.api.duty.ShiftRole;
import cn.egov.manager.account.Role;
import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Frame;
import cn.egov.manager.web.Pages;
import cn.egov.manager.web.WebRoutes;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /duty}: the province's duty office page. Reports waiting for acknowledgement on top (the
 * longest waiting first, escalated ones marked), with a 签收 button for duty officers (the page's
 * script posts {@code /api/duty/reports/{id}/ack}); then the recent acknowledged ones, the duty
 * alarms of the last day, who is on duty now in every unit, and refused report messages. The
 * template is {@code duty/duty.jte} (with {@code duty/reports.jte} for both report tables).
 */
final class DutyPageHandler implements Request.Handler {

    private static final int SHOWN = 100;
    private static final int ALARMS_SHOWN = 20;
    private static final int REFUSALS_SHOWN = 20;

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

    /** The page: the reports waiting and acknowledged, the last day's duty alarms, who is on duty, refused report messages. */
    record DutyPage(List<ReportRow> waiting, long escalated, String chain, boolean officer, List<ReportRow> acknowledged,
                    List<AlarmRow> alarms, List<RosterRow> rosters, List<RefusalRow> refusals) {
    }

    /**
     * One report's row: its unit's name, its times on the Beijing clock, who it waits with (the escalation step), the link to
     * its CAP XML, and what it says, folded under 内容 (only the items given).
     */
    record ReportRow(OfficeReport o, String unitName, String occurred, String filed, String received, String acknowledged,
                     String waitsWith, String cap, List<Detail> details) {
    }

    /** One item of what a report says. */
    record Detail(String label, String value) {
    }

    /** One duty alarm with its time. */
    record AlarmRow(String time, DutyOfficeStore.StoredAlarm a) {
    }

    /** One unit's roster: who leads and who is on duty now ("person phone" each), its version and when it came. */
    record RosterRow(String unit, String unitName, List<String> leads, List<String> officers, long version, String updated) {
    }

    /** One refused report message with the time it came. */
    record RefusalRow(String received, DutyOfficeStore.Refusal r) {
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        boolean officer = Caller.of(request) != null && Caller.of(request).role() == Role.DUTY_OFFICER;
        List<OfficeReport> reports = office.store().list(null, false, SHOWN);
        List<OfficeReport> waiting = reports.stream().filter(o -> !o.acknowledged()).toList();
        String chain = office.settings().escalation().steps().stream().map(EscalationPolicy.Step::label).collect(Collectors.joining(" → "));
        DutyPage page = new DutyPage(rows(waiting), waiting.stream().filter(OfficeReport::escalated).count(), chain, officer,
                rows(reports.stream().filter(OfficeReport::acknowledged).toList()), alarms(), rosters(), refusals());
        Frame frame = Pages.frame(request, routes, "值班 Duty office");
        return Pages.render(response, callback, 200, out -> JtedutyGenerated.render(out, null, frame, page));
    }

    private List<ReportRow> rows(List<OfficeReport> list) {
        return list.stream().map(o -> {
            DutyReport r = o.report();
            return new ReportRow(o, unitName(r.unit().toString()), time(r.occurredAt()), time(r.filedAt()), time(o.receivedAt()),
                    time(o.acknowledgedAt()), o.acknowledged() ? "" : office.settings().escalation().step(o.step()).name(),
                    DutyPart.REPORTS + "/" + r.id() + "/cap", details(r));
        }).toList();
    }

    private String unitName(String unit) {
        return fleet.get(unit).map(x -> x.displayName()).orElse("");
    }

    /** What the report says, for the officer to read before 签收 (folded: the table stays one line per report). */
    private static List<Detail> details(DutyReport r) {
        DutyReport.Casualties c = r.casualties();
        return Stream.of(new Detail("地点 Where", r.location()), new Detail("情况 What happened", r.description()),
                        new Detail("伤亡 Casualties", "死亡 " + c.deaths() + ", 受伤 " + c.injured() + ", 失踪 " + c.missing()),
                        new Detail("已采取措施 Measures", r.measures()), new Detail("报告人 Reporter", (r.reporter() + " " + r.phone()).strip()))
                .filter(d -> d.value() != null && !d.value().isBlank()).toList();
    }

    /** The duty alarms of the last day: the office's escalations and refusals, the boxes' deadline warnings. */
    private List<AlarmRow> alarms() throws java.sql.SQLException {
        return office.store().alarms(DutyAlarmsHandler.KINDS, clock.instant().minus(java.time.Duration.ofDays(1)), ALARMS_SHOWN).stream()
                .map(a -> new AlarmRow(time(Instant.ofEpochMilli(a.alarm().time())), a)).toList();
    }

    private List<RosterRow> rosters() throws java.sql.SQLException {
        Instant now = clock.instant();
        return office.store().rosters(null).stream().map(s -> {
            String unit = s.roster().unit().toString();
            List<Shift> on = s.roster().onDuty(now);
            return new RosterRow(unit, unitName(unit), people(on, ShiftRole.LEAD), people(on, ShiftRole.OFFICER), s.roster().version(),
                    time(s.receivedAt()));
        }).toList();
    }

    private static List<String> people(List<Shift> on, ShiftRole role) {
        return on.stream().filter(x -> x.role() == role).map(x -> x.person() + (x.phone().isEmpty() ? "" : " " + x.phone())).toList();
    }

    private List<RefusalRow> refusals() throws java.sql.SQLException {
        return office.store().refusals(REFUSALS_SHOWN).stream().map(r -> new RefusalRow(time(r.receivedAt()), r)).toList();
    }

    private static String time(Instant t) {
        return t == null ? "—" : BeijingTime.withoutYear(t);
    }
}
