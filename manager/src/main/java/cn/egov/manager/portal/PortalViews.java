package cn.egov.manager.portal;

import cn.egov.api.portal.SiteNode;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the REST API and the page show, computed once from the store for both. */
final class PortalViews {

    private PortalViews() {
    }

    /** Every site: domain, owner, level, parent, mirrors, newest version (0 when none) with time, size and homepage age. */
    static List<Map<String, Object>> sites(PortalStore store) throws SQLException {
        Map<String, PortalStore.Version> newest = store.newest();
        Map<String, String> frame = new LinkedHashMap<>();
        store.sites().forEach(s -> frame.put(s.site(), s.frameAncestors()));
        List<Map<String, Object>> out = new ArrayList<>();
        for (SiteNode n : SiteTree.nodes(store.sites())) {
            PortalStore.Version v = newest.get(n.site());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("site", n.site());
            m.put("owner", n.owner());
            m.put("level", n.level().label());
            m.put("parent", n.parent());
            m.put("mirrors", n.mirrors().toString());
            m.put("frameAncestors", frame.get(n.site()));
            m.put("version", v == null ? 0 : v.version());
            m.put("issuedAt", v == null ? 0 : v.issuedAt());
            m.put("expiresAt", v == null ? 0 : v.expiresAt());
            m.put("issuedBy", v == null ? "" : v.issuedBy());
            m.put("files", v == null ? 0 : v.files());
            m.put("bytes", v == null ? 0 : v.bytes());
            m.put("homepageModified", v == null ? 0 : v.homepageModified() * 1000);
            out.add(m);
        }
        return out;
    }

    /**
     * Per unit and site: what the box reported (version in force, last outcome and the check that
     * refused, the inspection probe) next to the newest version here.
     */
    static List<Map<String, Object>> units(PortalStore store) throws SQLException {
        Map<String, PortalStore.Version> newest = store.newest();
        Map<String, Map<String, Object>> rows = new TreeMap<>();
        for (PortalStore.Mirror m : store.mirrors()) {
            Map<String, Object> r = row(rows, m.unit(), m.site(), newest);
            r.put("versionInForce", m.versionInForce());
            r.put("lastOutcome", m.outcome());
            r.put("lastVersion", m.version());
            r.put("rejectedCheck", m.check());
            r.put("rejectedReason", m.reason());
            r.put("reportedAt", m.reportedAt());
        }
        for (PortalStore.Probe p : store.probes()) {
            Map<String, Object> r = row(rows, p.unit(), p.site(), newest);
            r.put("probedAt", p.probedAt());
            r.put("reachable", p.reachable());
            r.put("httpStatus", p.httpStatus());
            r.put("latencyMs", p.latencyMs());
            r.put("servedVersion", p.version());
            r.put("snapshotAgeS", p.snapshotAgeS());
            r.put("lastModifiedAgeS", p.lastModifiedAgeS());
            r.put("stale", p.stale());
            r.put("expired", p.expired());
        }
        return List.copyOf(rows.values());
    }

    /** Alarms of the portal ({@code portal.*}) among the newest {@link #ALARM_WINDOW} of all, newest first. */
    static List<Map<String, Object>> alarms(cn.egov.manager.store.AlarmStore alarms) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (cn.egov.manager.store.AlarmStore.StoredAlarm a : alarms.latest(null, ALARM_WINDOW)) {
            if (a.alarm().kind().startsWith("portal.")) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("unit", a.clientId());
                m.put("kind", a.alarm().kind());
                m.put("severity", a.alarm().severity().name());
                m.put("message", a.alarm().message());
                m.put("evidence", a.alarm().evidence());
                m.put("time", a.alarm().time());
                m.put("received", a.received());
                out.add(m);
            }
        }
        return out;
    }

    /** How many of the newest alarms are looked through for the portal's. */
    static final int ALARM_WINDOW = 2000;

    private static Map<String, Object> row(Map<String, Map<String, Object>> rows, String unit, String site,
                                           Map<String, PortalStore.Version> newest) {
        return rows.computeIfAbsent(unit + " " + site, k -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("unit", unit);
            r.put("site", site);
            PortalStore.Version v = newest.get(site);
            r.put("newestVersion", v == null ? 0 : v.version());
            return r;
        });
    }
}
