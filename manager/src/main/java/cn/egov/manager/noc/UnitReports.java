package cn.egov.manager.noc;

import cn.egov.api.telemetry.AddressPlanMetrics;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.PortalMetrics;
import cn.egov.manager.ingest.IngestKind;
import cn.egov.manager.ingest.IngestRecord;
import cn.egov.manager.ingest.TelemetryListener;
import cn.egov.manager.store.Database;
import cn.egov.manager.store.MetricsJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The newest report of each kind each box sent about its interconnection: tunnel
 * ({@code VPN/tunnel}), isolation policy ({@code ISOLATION/policy}), address plan
 * ({@code ADDRESSPLAN/check}), certificate ({@code PKI/certificate}), each mirrored site's probe
 * ({@code PORTAL/probe}, per site), duty roster ({@code DUTY/roster}) and the document exchange
 * (any {@code EXCHANGE} message). Kept in memory so the overview of ten thousand units reads no
 * telemetry table: loaded from the store at start, then kept by a {@link TelemetryListener} after
 * each commit, as the fleet registry keeps the boxes' status. Only these reports' metrics are held,
 * never bodies.
 */
final class UnitReports implements TelemetryListener {

    /** What one box reported last on one subject. */
    record Report(long received, long time, Map<String, Object> metrics) {
        Report {
            metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        }

        String text(String name) {
            Object v = metrics.get(name);
            return v == null ? "" : String.valueOf(v);
        }

        long number(String name) {
            Object v = metrics.get(name);
            if (v instanceof Number n) {
                return n.longValue();
            }
            try {
                return v == null ? 0 : Long.parseLong(String.valueOf(v));
            } catch (NumberFormatException e) {
                return 0;
            }
        }

        boolean flag(String name) {
            return Boolean.parseBoolean(text(name));
        }
    }

    static final String TUNNEL = BoxMetrics.VPN_APP + "/" + BoxMetrics.VPN_RESOURCE;
    static final String POLICY = BoxMetrics.ISOLATION_APP + "/" + BoxMetrics.POLICY_RESOURCE;
    static final String PLAN = AddressPlanMetrics.APP + "/" + AddressPlanMetrics.CHECK_RESOURCE;
    static final String CERTIFICATE = "PKI/certificate";
    static final String PROBE_PREFIX = PortalMetrics.APP + "/" + PortalMetrics.PROBE_RESOURCE + "/";
    static final String ROSTER = "DUTY/roster";
    static final String EXCHANGE = "EXCHANGE";
    /** Sites per box kept: a box naming ever new sites cannot fill the manager's memory. */
    static final int MAX_SITES = 32;

    private final ConcurrentHashMap<String, Map<String, Report>> byUnit = new ConcurrentHashMap<>();

    /** The subject a message reports on, or null when the overview does not use it. */
    static String subject(String app, String resource, Map<String, Object> metrics) {
        String ar = app + "/" + resource;
        if (ar.equals(TUNNEL) || ar.equals(POLICY) || ar.equals(PLAN) || ar.equals(CERTIFICATE) || ar.equals(ROSTER)) {
            return ar;
        }
        if (ar.equals(PortalMetrics.APP + "/" + PortalMetrics.PROBE_RESOURCE)) {
            Object site = metrics.get(PortalMetrics.SITE);
            return site == null ? null : PROBE_PREFIX + site;
        }
        return app.equals(EXCHANGE) ? EXCHANGE : null;
    }

    @Override
    public void onStored(IngestRecord.Decoded message) {
        if (message.kind() != IngestKind.TELEMETRY) {
            return;
        }
        Map<String, Object> metrics = message.payload().metrics();
        String subject = subject(message.topic().appId(), message.topic().resource(), metrics);
        if (subject != null) {
            Long ts = message.payload().timestamp();
            put(message.unit().toString(), subject, new Report(message.raw().received(), ts == null ? message.raw().received() : ts,
                    subject.equals(EXCHANGE) ? Map.of() : metrics));
        }
    }

    private void put(String unit, String subject, Report r) {
        byUnit.compute(unit, (u, old) -> {
            Map<String, Report> m = old == null ? new LinkedHashMap<>() : new LinkedHashMap<>(old);
            Report before = m.get(subject);
            if (before != null && before.received() > r.received()) {
                return old;
            }
            if (before == null && subject.startsWith(PROBE_PREFIX)
                    && m.keySet().stream().filter(k -> k.startsWith(PROBE_PREFIX)).count() >= MAX_SITES) {
                return old;
            }
            m.put(subject, r);
            return java.util.Collections.unmodifiableMap(m);
        });
    }

    /** One unit's reports by subject (empty when its box sent none). */
    Map<String, Report> of(String unit) {
        return byUnit.getOrDefault(unit, Map.of());
    }

    /**
     * Fills the reports from the store: the newest of each subject per box (of a box's site probes
     * the newest only; the other sites' come back with their next probe).
     */
    void load(Database database) throws SQLException {
        String sql = "SELECT t.client_id, t.app_id, t.resource, t.received, t.ts, t.metrics_json FROM telemetry t JOIN"
                + " (SELECT client_id, app_id, resource, MAX(received) AS r FROM telemetry WHERE app_id IN (?, ?, ?, ?, ?, ?, ?)"
                + " GROUP BY client_id, app_id, resource) n ON t.client_id = n.client_id AND t.app_id = n.app_id"
                + " AND t.resource = n.resource AND t.received = n.r";
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            String[] apps = {BoxMetrics.VPN_APP, BoxMetrics.ISOLATION_APP, AddressPlanMetrics.APP, "PKI", PortalMetrics.APP, "DUTY", EXCHANGE};
            for (int i = 0; i < apps.length; i++) {
                ps.setString(i + 1, apps[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> metrics = MetricsJson.read(rs.getString(6));
                    String subject = subject(rs.getString(2), rs.getString(3), metrics);
                    if (subject != null) {
                        long received = rs.getLong(4);
                        long ts = rs.getLong(5);
                        put(rs.getString(1), subject, new Report(received, rs.wasNull() ? received : ts,
                                subject.equals(EXCHANGE) ? Map.of() : metrics));
                    }
                }
            }
        }
    }
}
