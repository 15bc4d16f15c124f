package cn.egov.manager.portal;

import cn.egov.api.time.BeijingTime;
import static cn.egov.manager.web.HtmlPage.esc;

import cn.egov.manager.web.HtmlPage;
import cn.egov.manager.web.WebRoutes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /portal}: the website tree with each site's newest version; per unit and site what the box
 * serves and what the inspection probe saw (reachable, snapshot age, homepage age, stale); the
 * emergency notices boxes published and the decisions on them.
 */
final class PortalPageHandler implements Request.Handler {

    private static final int SHOWN_ALARMS = 50;

    private final PortalStore store;
    private final cn.egov.manager.store.AlarmStore alarms;
    private final WebRoutes routes;
    private final Duration staleAfter;

    PortalPageHandler(PortalStore store, cn.egov.manager.store.AlarmStore alarms, WebRoutes routes, Duration staleAfter) {
        this.store = store;
        this.alarms = alarms;
        this.routes = routes;
        this.staleAfter = staleAfter;
    }

    private static String time(Object ms) {
        long v = ms instanceof Number n ? n.longValue() : 0;
        return v <= 0 ? "—" : BeijingTime.toMinute(Instant.ofEpochMilli(v));
    }

    private static String days(Object seconds) {
        long s = seconds instanceof Number n ? n.longValue() : 0;
        return s / 86_400 + " d " + s % 86_400 / 3600 + " h";
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long now = System.currentTimeMillis();
        StringBuilder b = new StringBuilder("<h2>网站群 Sites</h2><table id=\"sites\"><tr><th>site</th><th>level</th><th>owner</th>"
                + "<th>parent</th><th>mirrored by</th><th>version</th><th>signed</th><th>expires</th><th>files</th><th>bytes</th>"
                + "<th>homepage modified</th></tr>");
        for (Map<String, Object> s : PortalViews.sites(store)) {
            long hp = ((Number) s.get("homepageModified")).longValue();
            boolean stale = hp > 0 && now - hp > staleAfter.toMillis();
            b.append("<tr><td>").append(esc(s.get("site"))).append("</td><td>").append(esc(s.get("level"))).append("</td><td>")
                    .append(esc(s.get("owner"))).append("</td><td>").append(esc(s.get("parent"))).append("</td><td>")
                    .append(esc(s.get("mirrors"))).append("</td><td class=\"num\">").append(esc(s.get("version"))).append("</td><td>")
                    .append(time(s.get("issuedAt"))).append(" (").append(esc(s.get("issuedBy"))).append(")</td><td>")
                    .append(time(s.get("expiresAt"))).append("</td><td class=\"num\">").append(esc(s.get("files")))
                    .append("</td><td class=\"num\">").append(esc(s.get("bytes"))).append("</td><td>")
                    .append(stale ? "<b>STALE</b> " : "").append(time(hp)).append("</td></tr>");
        }
        b.append("</table><h2>各单位镜像与巡检 Mirrors and inspection probe</h2><table id=\"units\"><tr><th>unit</th><th>site</th>"
                + "<th>in force / newest</th><th>last snapshot</th><th>reachable</th><th>HTTP</th><th>snapshot age</th>"
                + "<th>homepage age</th><th>stale</th><th>expired</th><th>probed</th></tr>");
        for (Map<String, Object> u : PortalViews.units(store)) {
            String outcome = String.valueOf(u.getOrDefault("lastOutcome", ""));
            b.append("<tr><td>").append(esc(u.get("unit"))).append("</td><td>").append(esc(u.get("site"))).append("</td><td class=\"num\">")
                    .append(esc(u.getOrDefault("versionInForce", "—"))).append(" / ").append(esc(u.get("newestVersion"))).append("</td><td>")
                    .append("REJECTED".equals(outcome) ? "<b>REJECTED</b> v" + esc(u.get("lastVersion")) + " (" + esc(u.get("rejectedCheck")) + "): "
                            + esc(u.get("rejectedReason")) : esc(outcome))
                    .append("</td><td>").append(Boolean.FALSE.equals(u.get("reachable")) ? "<b>NO</b>" : esc(u.getOrDefault("reachable", "—")))
                    .append("</td><td>").append(esc(u.getOrDefault("httpStatus", ""))).append("</td><td>")
                    .append(u.containsKey("snapshotAgeS") ? days(u.get("snapshotAgeS")) : "—").append("</td><td>")
                    .append(u.containsKey("lastModifiedAgeS") ? days(u.get("lastModifiedAgeS")) : "—").append("</td><td>")
                    .append(Boolean.TRUE.equals(u.get("stale")) ? "<b>STALE</b>" : "no").append("</td><td>")
                    .append(Boolean.TRUE.equals(u.get("expired")) ? "<b>expired</b>" : "no").append("</td><td>")
                    .append(time(u.get("probedAt"))).append("</td></tr>");
        }
        b.append("</table><h2>紧急公告 Emergency notices</h2><table id=\"notices\"><tr><th>id</th><th>site</th><th>unit</th><th>title</th>"
                + "<th>published</th><th>received</th><th>state</th></tr>");
        for (PortalStore.Notice n : store.notices()) {
            b.append("<tr><td><code>").append(esc(n.id())).append("</code></td><td>").append(esc(n.site())).append("</td><td>")
                    .append(esc(n.unit())).append("</td><td>").append(esc(n.title())).append("</td><td>").append(time(n.issuedAt()))
                    .append("</td><td>").append(time(n.receivedAt())).append("</td><td>").append(esc(n.state()))
                    .append(n.decidedBy() == null ? "" : " (" + esc(n.decidedBy()) + ", " + time(n.decidedAt()) + ")").append("</td></tr>");
        }
        b.append("</table><h2>告警 Alarms</h2><table id=\"alarms\"><tr><th>time</th><th>unit</th><th>kind</th><th>severity</th>"
                + "<th>message</th></tr>");
        List<Map<String, Object>> recent = PortalViews.alarms(alarms);
        for (Map<String, Object> a : recent.subList(0, Math.min(recent.size(), SHOWN_ALARMS))) {
            b.append("<tr><td>").append(time(a.get("time"))).append("</td><td>").append(esc(a.get("unit"))).append("</td><td>")
                    .append(esc(a.get("kind"))).append("</td><td>").append(esc(a.get("severity"))).append("</td><td>")
                    .append(esc(a.get("message"))).append("</td></tr>");
        }
        b.append("</table>");
        return HtmlPage.write(request, response, callback, routes, "门户网站群 Portal mirror", b.toString());
    }
}
