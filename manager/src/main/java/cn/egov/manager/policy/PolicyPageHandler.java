package cn.egov.manager.policy;

import cn.egov.manager.store.AlarmStore.StoredAlarm;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.Frame;
import cn.egov.manager.web.Pages;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.WebRoutes;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code /policy} ({@code policy/policy.jte}): per-unit policy state and the isolation alarm list with filters (a technician: the account's counties). */
final class PolicyPageHandler implements Request.Handler {

    /** Times are shown in the province's time zone. */
    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZONE);

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

    /** One alarm's row; {@code differences} is a drift alarm's evidence, whole. */
    record AlarmRow(String time, StoredAlarm a, String differences) {
    }

    static String time(long ms) {
        return ms <= 0 ? "—" : TIME.format(Instant.ofEpochMilli(ms));
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
        PolicyQueries.AlarmFilter f;
        try {
            f = AlarmFilterParams.read(request, now);
        } catch (IllegalArgumentException e) {
            return Json.error(response, callback, 400, e.getMessage());
        }
        Caller caller = Caller.of(request);
        f = PolicyVisibility.limit(f, caller);
        List<UnitRow> units = queries.units(now).stream().filter(u -> caller.sees(u.unit())).map(PolicyPageHandler::row).toList();
        List<AlarmRow> alarms = queries.alarms(f).stream().map(a -> new AlarmRow(time(a.alarm().time()), a,
                a.alarm().evidence().getOrDefault("differences", ""))).toList();
        Frame frame = Pages.frame(request, routes, "隔离策略 Isolation policy");
        PolicyQueries.AlarmFilter filter = f;
        return Pages.render(response, callback, 200, out -> JtepolicyGenerated.render(out, null, frame, units, filter, alarms));
    }
}
