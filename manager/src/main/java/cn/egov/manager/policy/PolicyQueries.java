package cn.egov.manager.policy;

import cn.egov.api.policy.PolicySigning;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.manager.policy.dist.PolicyBundleStore;
import cn.egov.manager.store.AlarmStore.StoredAlarm;
import cn.egov.manager.store.Database;
import cn.egov.manager.store.MetricsJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads what boxes reported about their isolation policy from the manager's store: the latest
 * {@code ISOLATION/policy} telemetry per unit and the isolation alarms, filtered by city, county
 * and kind. Units are client ids (unit codes), so a city is a 4-digit and a county a 6-digit
 * prefix of the client id.
 */
public final class PolicyQueries {

    /** Alarm kinds raised by the box's isolation capability start with this. */
    public static final String ISOLATION_KIND_PREFIX = "isolation.";
    /** Look-back of the per-unit alarm count. */
    public static final long DAY_MS = 24L * 3600 * 1000;
    /** Most alarms one query returns. */
    public static final int MAX_ALARMS = 1000;

    private final Database database;
    private final PolicyBundleStore bundles;

    public PolicyQueries(Database database) {
        this(database, null);
    }

    /** @param bundles what the manager signed and sent, or null (then only box reports are shown) */
    public PolicyQueries(Database database, PolicyBundleStore bundles) {
        this.database = database;
        this.bundles = bundles;
    }

    /**
     * Alarm filters; null fields do not filter.
     *
     * @param counties only units of these counties (a technician's), or null for the whole province
     */
    public record AlarmFilter(String city, String county, String unit, String kind, long since, java.util.Set<String> counties) {
        public AlarmFilter(String city, String county, String unit, String kind, long since) {
            this(city, county, unit, kind, since, null);
        }

        /** The same filter, limited to {@code counties} (null: no limit). */
        public AlarmFilter within(java.util.Set<String> counties) {
            return new AlarmFilter(city, county, unit, kind, since, counties == null ? null : java.util.Set.copyOf(counties));
        }
    }

    /**
     * The latest policy report of every unit that sent one, and every unit the manager sent a
     * signed policy to, in unit order.
     */
    public List<UnitPolicyState> units(long now) throws SQLException {
        Map<String, Integer> counts = alarmCounts(now - DAY_MS);
        Map<String, Latest> policy = latest(BoxMetrics.POLICY_RESOURCE);
        Map<String, Latest> signed = latest(PolicySigning.REPORT_RESOURCE);
        Map<String, PolicyBundleStore.Sent> sent = bundles == null ? Map.of() : bundles.lastSent();
        TreeSet<String> units = new TreeSet<>(policy.keySet());
        units.addAll(signed.keySet());
        units.addAll(sent.keySet());
        List<UnitPolicyState> out = new ArrayList<>();
        for (String unit : units) {
            Latest p = policy.getOrDefault(unit, Latest.NONE);
            Map<String, Object> m = p.metrics();
            out.add(new UnitPolicyState(unit, prefix(unit, 4), prefix(unit, 6), str(m.get(BoxMetrics.POLICY_NAME)),
                    str(m.get(BoxMetrics.POLICY_VERSION)), str(m.get(BoxMetrics.POLICY_SHA256)),
                    p == Latest.NONE ? "NONE" : str(m.get(BoxMetrics.POLICY_STATE)),
                    Boolean.parseBoolean(str(m.get(BoxMetrics.POLICY_DRIFT))), num(m.get(BoxMetrics.POLICY_APPLIED_AT)),
                    num(m.get(BoxMetrics.POLICY_VERIFIED_AT)), str(m.get(BoxMetrics.ROUTE_STATE)),
                    num(m.get(BoxMetrics.ROUTE_CHECKED_AT)), num(m.get(BoxMetrics.ROUTE_FINDINGS)), p.received(),
                    counts.getOrDefault(unit, 0),
                    signedState(sent.get(unit), signed.getOrDefault(unit, Latest.NONE))));
        }
        return out;
    }

    private static SignedPolicyState signedState(PolicyBundleStore.Sent sent, Latest report) {
        Map<String, Object> m = report.metrics();
        return new SignedPolicyState(sent == null ? 0 : sent.serial(), sent == null ? "" : sent.version(), sent == null ? 0 : sent.sentAt(),
                num(m.get(PolicySigning.METRIC_SERIAL)), str(m.get(PolicySigning.METRIC_VERSION)), str(m.get(PolicySigning.METRIC_OUTCOME)),
                num(m.get(PolicySigning.METRIC_LAST_SERIAL)), str(m.get(PolicySigning.METRIC_REJECTED_CHECK)),
                str(m.get(PolicySigning.METRIC_REJECTED_REASON)), report.received());
    }

    /** A unit's newest report on one resource of {@code ISOLATION}. */
    private record Latest(long received, Map<String, Object> metrics) {
        static final Latest NONE = new Latest(0, Map.of());
    }

    private Map<String, Latest> latest(String resource) throws SQLException {
        Map<String, Latest> out = new HashMap<>();
        try (Connection c = database.connect();
             PreparedStatement ps = c.prepareStatement("SELECT client_id, received, metrics_json FROM telemetry"
                     + " WHERE app_id = ? AND resource = ? ORDER BY received")) {
            ps.setString(1, BoxMetrics.ISOLATION_APP);
            ps.setString(2, resource);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new Latest(rs.getLong(2), MetricsJson.read(rs.getString(3))));
                }
            }
        }
        return out;
    }

    private static String prefix(String unit, int len) {
        return unit.length() >= len ? unit.substring(0, len) : unit;
    }

    private static String str(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    private static long num(Object o) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        try {
            return o == null ? 0 : Long.parseLong(String.valueOf(o));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private Map<String, Integer> alarmCounts(long since) throws SQLException {
        Map<String, Integer> out = new HashMap<>();
        try (Connection c = database.connect();
             PreparedStatement ps = c.prepareStatement("SELECT client_id, COUNT(*) FROM alarms WHERE kind LIKE ? AND received >= ?"
                     + " GROUP BY client_id")) {
            ps.setString(1, ISOLATION_KIND_PREFIX + "%");
            ps.setLong(2, since);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return out;
    }

    /** Isolation alarms matching the filter, newest first, at most {@link #MAX_ALARMS}. */
    public List<StoredAlarm> alarms(AlarmFilter f) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT client_id, kind, severity, source, message, evidence_json, ts, received"
                + " FROM alarms WHERE kind LIKE ? AND received >= ?");
        List<Object> args = new ArrayList<>(List.of(ISOLATION_KIND_PREFIX + "%", f.since()));
        if (f.unit() != null) {
            sql.append(" AND client_id = ?");
            args.add(f.unit());
        }
        if (f.county() != null) {
            sql.append(" AND client_id LIKE ?");
            args.add(f.county() + "%");
        }
        if (f.city() != null) {
            sql.append(" AND client_id LIKE ?");
            args.add(f.city() + "%");
        }
        if (f.kind() != null) {
            sql.append(" AND kind = ?");
            args.add(f.kind());
        }
        if (f.counties() != null) {
            if (f.counties().isEmpty()) {
                return List.of();
            }
            sql.append(" AND substr(client_id, 1, 6) IN (").append(String.join(", ", java.util.Collections.nCopies(f.counties().size(), "?")))
                    .append(")");
            args.addAll(new java.util.TreeSet<>(f.counties()));
        }
        sql.append(" ORDER BY received DESC LIMIT ").append(MAX_ALARMS);
        List<StoredAlarm> out = new ArrayList<>();
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, String> ev = new LinkedHashMap<>();
                    MetricsJson.read(rs.getString(6)).forEach((k, v) -> ev.put(k, String.valueOf(v)));
                    out.add(new StoredAlarm(rs.getString(1), new Alarm(rs.getString(2), Alarm.Severity.valueOf(rs.getString(3)),
                            rs.getString(4), rs.getString(5), ev, rs.getLong(7)), rs.getLong(8)));
                }
            }
        }
        return out;
    }
}
