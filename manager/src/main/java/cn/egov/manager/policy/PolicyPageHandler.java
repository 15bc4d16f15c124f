package cn.egov.manager.policy;

import static cn.egov.manager.web.HtmlPage.esc;

import cn.egov.manager.store.AlarmStore.StoredAlarm;
import cn.egov.manager.web.Caller;
import cn.egov.manager.web.HtmlPage;
import cn.egov.manager.web.Json;
import cn.egov.manager.web.WebRoutes;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code /policy}: per-unit policy state and the isolation alarm list with filters (a technician: the account's counties). */
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

    private static String time(long ms) {
        return ms <= 0 ? "—" : TIME.format(Instant.ofEpochMilli(ms));
    }

    /** Sent vs in force ("#serial version"), and the last bundle's outcome with the failed check. */
    private static String signedCells(SignedPolicyState s) {
        String sent = s.sentSerial() == 0 ? "—" : "#" + s.sentSerial() + " " + s.sentVersion() + " (" + time(s.sentAt()) + ")";
        String inForce = s.serialInForce() == 0 ? "—" : "#" + s.serialInForce() + " " + s.versionInForce();
        String cls = s.sentSerial() > 0 && !s.upToDate() ? " class=\"warn\"" : "";
        String last = s.lastOutcome().isEmpty() ? "—" : "REJECTED".equals(s.lastOutcome())
                ? "<b>REJECTED</b> #" + s.lastSerial() + " (" + esc(s.rejectedCheck()) + "): " + esc(s.rejectedReason())
                : "accepted #" + s.lastSerial();
        return "<td>" + esc(sent) + "</td><td" + cls + ">" + esc(inForce) + "</td><td>" + last + "</td>";
    }

    /** The route guard's verdict: what an auditor checks for "internal and Internet never meet, no route". */
    private static String routeCell(UnitPolicyState u) {
        if (u.routeState().isEmpty()) {
            return "<td class=\"muted\">not reported</td>";
        }
        if ("NO_ROUTE".equals(u.routeState())) {
            return "<td>yes (checked " + esc(time(u.routeCheckedAt())) + ")</td>";
        }
        return "<td class=\"warn\"><b>" + esc(u.routeState()) + "</b>: " + u.routeFindings() + " finding(s), checked "
                + esc(time(u.routeCheckedAt())) + "</td>";
    }

    /**
     * A drift alarm's {@code differences} evidence, whole, one per line: what changed in the box's
     * firewall table (rule, set element, chain policy, table missing) is the event itself.
     */
    private static String differences(StoredAlarm a) {
        String d = a.alarm().evidence().get("differences");
        return d == null || d.isEmpty() ? "" : "<pre class=\"differences\">" + esc(d) + "</pre>";
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
        StringBuilder b = new StringBuilder();
        b.append("<h2>各单位隔离策略 Policy per unit</h2><table id=\"units\"><tr><th>unit</th><th>policy</th><th>version</th>"
                + "<th>sha256</th><th>state</th><th>drift</th><th>last verified</th><th>no route to the Internet</th><th>alarms 24 h</th>"
                + "<th>signed: sent</th><th>signed: in force</th><th>last bundle</th></tr>");
        for (UnitPolicyState u : queries.units(now)) {
            if (!caller.sees(u.unit())) {
                continue;
            }
            b.append("<tr><td><a href=\"/policy?unit=").append(esc(u.unit())).append("\">").append(esc(u.unit())).append("</a></td><td>")
                    .append(esc(u.name())).append("</td><td>").append(esc(u.version())).append("</td><td><code>")
                    .append(esc(u.sha256().length() > 12 ? u.sha256().substring(0, 12) : u.sha256())).append("</code></td><td>")
                    .append(esc(u.state())).append("</td><td>").append(u.drift() ? "<b>DRIFT</b>" : "no").append("</td><td>")
                    .append(esc(time(u.verifiedAt()))).append("</td>").append(routeCell(u))
                    .append("<td class=\"num\">").append(u.alarms24h()).append("</td>")
                    .append(signedCells(u.signed())).append("</tr>");
        }
        b.append("</table><h2>隔离告警 Isolation alarms</h2><form method=\"get\">city <input name=\"city\" size=\"4\" value=\"")
                .append(esc(f.city())).append("\"> county <input name=\"county\" size=\"6\" value=\"").append(esc(f.county()))
                .append("\"> unit <input name=\"unit\" size=\"10\" value=\"").append(esc(f.unit()))
                .append("\"> kind <input name=\"kind\" size=\"24\" value=\"").append(esc(f.kind()))
                .append("\"> <button>filter</button></form>");
        List<StoredAlarm> alarms = queries.alarms(f);
        b.append("<table id=\"alarms\"><tr><th>time</th><th>unit</th><th>kind</th><th>severity</th><th>message</th></tr>");
        for (StoredAlarm a : alarms) {
            b.append("<tr><td>").append(esc(time(a.alarm().time()))).append("</td><td>").append(esc(a.clientId())).append("</td><td>")
                    .append(esc(a.alarm().kind())).append("</td><td>").append(esc(a.alarm().severity())).append("</td><td>")
                    .append(esc(a.alarm().message())).append(differences(a)).append("</td></tr>");
        }
        b.append("</table><p class=\"muted\">").append(alarms.size()).append(" alarm(s)</p>");
        return HtmlPage.write(request, response, callback, routes, "隔离策略 Isolation policy", b.toString());
    }
}
