package cn.egov.manager.portal;

import cn.egov.api.time.BeijingTime;

import cn.egov.manager.web.Frame;
import cn.egov.manager.web.Pages;
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
 * emergency notices boxes published and the decisions on them. The template is
 * {@code portal/portal.jte}.
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

    /** The page: the website tree, each unit's copies and probes, the emergency notices, the portal's alarms. */
    record PortalPage(List<SiteRow> sites, List<UnitRow> units, List<NoticeRow> notices, List<AlarmRow> alarms) {
    }

    /** One site with its newest version; {@code stale} when its homepage is older than {@code portal.stale-days}. */
    record SiteRow(String site, String level, String owner, String parent, String mirrors, String version, String issued,
                   String issuedBy, String expires, String files, String bytes, boolean stale, String homepageModified) {
    }

    /** One unit's copy of one site: what the box reported and what the inspection probe saw. */
    record UnitRow(String unit, String site, String inForce, String newest, String outcome, boolean rejected, String lastVersion,
                   String rejectedCheck, String rejectedReason, boolean unreachable, String reachable, String httpStatus,
                   String snapshotAge, String homepageAge, boolean stale, boolean expired, String probed) {
    }

    /** One emergency notice with its times. */
    record NoticeRow(PortalStore.Notice n, String issued, String received, String decided) {
    }

    /** One portal alarm. */
    record AlarmRow(String time, String unit, String kind, String severity, String message) {
    }

    private static String time(Object ms) {
        long v = ms instanceof Number n ? n.longValue() : 0;
        return v <= 0 ? "—" : BeijingTime.toMinute(Instant.ofEpochMilli(v));
    }

    private static String days(Object seconds) {
        long s = seconds instanceof Number n ? n.longValue() : 0;
        return s / 86_400 + " d " + s % 86_400 / 3600 + " h";
    }

    /** A view's value as shown: absent is empty. */
    private static String text(Object o) {
        return o == null ? "" : o.toString();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long now = System.currentTimeMillis();
        List<SiteRow> sites = PortalViews.sites(store).stream().map(s -> {
            long hp = ((Number) s.get("homepageModified")).longValue();
            return new SiteRow(text(s.get("site")), text(s.get("level")), text(s.get("owner")), text(s.get("parent")), text(s.get("mirrors")),
                    text(s.get("version")), time(s.get("issuedAt")), text(s.get("issuedBy")), time(s.get("expiresAt")), text(s.get("files")),
                    text(s.get("bytes")), hp > 0 && now - hp > staleAfter.toMillis(), time(hp));
        }).toList();
        List<UnitRow> units = PortalViews.units(store).stream().map(u -> new UnitRow(text(u.get("unit")), text(u.get("site")),
                text(u.getOrDefault("versionInForce", "—")), text(u.get("newestVersion")), text(u.getOrDefault("lastOutcome", "")),
                "REJECTED".equals(u.get("lastOutcome")), text(u.get("lastVersion")), text(u.get("rejectedCheck")), text(u.get("rejectedReason")),
                Boolean.FALSE.equals(u.get("reachable")), text(u.getOrDefault("reachable", "—")), text(u.getOrDefault("httpStatus", "")),
                u.containsKey("snapshotAgeS") ? days(u.get("snapshotAgeS")) : "—",
                u.containsKey("lastModifiedAgeS") ? days(u.get("lastModifiedAgeS")) : "—",
                Boolean.TRUE.equals(u.get("stale")), Boolean.TRUE.equals(u.get("expired")), time(u.get("probedAt")))).toList();
        List<NoticeRow> notices = store.notices().stream()
                .map(n -> new NoticeRow(n, time(n.issuedAt()), time(n.receivedAt()), time(n.decidedAt()))).toList();
        List<Map<String, Object>> recent = PortalViews.alarms(alarms);
        List<AlarmRow> shown = recent.subList(0, Math.min(recent.size(), SHOWN_ALARMS)).stream().map(a -> new AlarmRow(time(a.get("time")),
                text(a.get("unit")), text(a.get("kind")), text(a.get("severity")), text(a.get("message")))).toList();
        PortalPage page = new PortalPage(sites, units, notices, shown);
        Frame frame = Pages.frame(request, routes, "门户网站群 Portal mirror");
        return Pages.render(response, callback, 200, out -> JteportalGenerated.render(out, null, frame, page));
    }
}
