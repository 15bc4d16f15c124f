package cn.egov.manager.policy;

import cn.egov.api.time.BeijingTime;
import cn.egov.manager.store.AlarmStore.StoredAlarm;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Frame;
import cn.egov.manager.web.Pages;
import cn.egov.manager.web.WebRoutes;
import java.time.Instant;
import java.util.List;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code /policy} ({@code policy/policy.jte}): per-unit policy state and the isolation alarm list with filters (a technician: the account's
 * counties). A malformed filter gives the page again, 400, with the reason above the form as typed.
 */
final class PolicyPageHandler implements Request.Handler {

    private final PolicyQueries queries;
    private final WebRoutes routes;

    PolicyPageHandler(PolicyQueries queries, WebRoutes routes) {
        this.queries = queries;
        this.routes = routes;
    }

    /** One unit's row. */
    record UnitRow(UnitPolicyState u, String sha, String verified, String route, String routeChecked, String sent, String inForce,
                   boolean behind, String lastBundle) {
    }

    /** The alarm filter form's values, as typed. */
    record Form(String city, String county, String unit, String kind) {
    }

    /** One alarm's row; {@code differences} is a drift alarm's evidence, whole. */
    record AlarmRow(String time, StoredAlarm a, String differences) {
    }

    static String time(long ms) {
        return ms <= 0 ? "—" : BeijingTime.of(Instant.ofEpochMilli(ms));
    }

    private static UnitRow row(UnitPolicyState u) {
        SignedPolicyState s = u.signed();
        String sent = s.sentSerial() == 0 ? "—" : "#" + s.sentSerial() + " " + s.sentVersion() + " (" + time(s.sentAt()) + ")";
        String inForce = s.serialInForce() == 0 ? "—" : "#" + s.serialInForce() + " " + s.versionInForce();
        String last = s.lastOutcome().isEmpty() ? "—" : "REJECTED".equals(s.lastOutcome())
                ? "#" + s.lastSerial() + " (" + s.rejectedCheck() + "): " + s.rejectedReason() : "accepted #" + s.lastSerial();
        return new UnitRow(u, u.sha256().length() > 12 ? u.sha256().substring(0, 12) : u.sha256(), time(u.verifiedAt()), u.routeState(),
                time(u.routeCheckedAt()), sent, inForce, s.sentSerial() > 0 && !s.upToDate(), last);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long now = System.currentTimeMillis();
        Fields q = Request.extractQueryParameters(request);
        Form form = new Form(typed(q, "city"), typed(q, "county"), typed(q, "unit"), typed(q, "kind"));
        Caller caller = Caller.of(request);
        String problem = "";
        PolicyQueries.AlarmFilter f = null;
        try {
            f = PolicyVisibility.limit(AlarmFilterParams.read(request, now), caller);
        } catch (IllegalArgumentException e) {
            problem = e.getMessage(); // the page again with the form as typed and no alarms, as the other pages' filters
        }
        List<AlarmRow> alarms = f == null ? List.of() : queries.alarms(f).stream().map(a -> new AlarmRow(time(a.alarm().time()), a,
                a.alarm().evidence().getOrDefault("differences", ""))).toList();
        List<UnitRow> units = queries.units(now).stream().filter(u -> caller.sees(u.unit())).map(PolicyPageHandler::row).toList();
        Frame frame = Pages.frame(request, routes, "隔离策略 Isolation policy");
        String refused = problem;
        return Pages.render(response, callback, problem.isEmpty() ? 200 : 400,
                out -> JtepolicyGenerated.render(out, null, frame, units, form, alarms, refused));
    }

    private static String typed(Fields q, String name) {
        String v = q.getValue(name);
        return v == null ? "" : v;
    }
}
