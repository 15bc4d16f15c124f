package cn.egov.manager.evidence;

import cn.egov.api.telemetry.Alarm;
import cn.egov.manager.store.AlarmStore;
import cn.egov.manager.store.AlarmStore.StoredAlarm;
import cn.egov.manager.store.Database;
import cn.egov.manager.store.MetricsJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the evidence the manager stored from ingestion, read-only and by period: telemetry
 * ({@code telemetry}), alarms ({@code alarms}), the signs of a box being there ({@code
 * health_samples}, {@code lifecycle_events}) and the duty office's register ({@code duty_reports},
 * {@code duty_rosters}, the duty part's tables). A period holds what was received in it. Rows
 * stream to a consumer so that a province-wide report never holds more than it keeps.
 *
 * <p>The SQL is portable (SQLite and PostgreSQL); {@link #TELEMETRY_INDEX} is the index it needs.
 */
public final class EvidenceStore {

    /**
     * The index the evidence readers need on the shell's {@code telemetry} table: one resource's
     * messages in order of receipt, so that a period's messages are one range of it (in the
     * table's own order, as they were written). Applied by the report part's migration.
     */
    public static final String TELEMETRY_INDEX = "CREATE INDEX IF NOT EXISTS telemetry_app ON telemetry (app_id, resource, received)";

    private final Database database;

    public EvidenceStore(Database database) {
        this.database = database;
    }

    /**
     * Each unit's newest message of {@code app}/{@code resource} received before {@code before}
     * (however long before: a state such as the policy in force stays until the next report).
     * One seek per unit on the ingest's own index ({@code client_id, app_id, received}), read
     * backwards. {@code resource || ''} keeps SQLite's planner (which has no statistics) off
     * {@link #TELEMETRY_INDEX}, where it would walk the whole resource back to each unit; a GROUP
     * BY over the resource read every row of it (bench/RESULTS.md, "auditor's report").
     */
    public Map<String, Sample> latest(String app, String resource, long before, java.util.Collection<String> units) throws SQLException {
        Map<String, Sample> out = new HashMap<>();
        try (Connection c = database.connect();
             PreparedStatement ps = c.prepareStatement("SELECT client_id, ts, received, metrics_json FROM telemetry WHERE client_id = ?"
                     + " AND app_id = ? AND resource || '' = ? AND received < ? ORDER BY received DESC LIMIT 1")) {
            ps.setString(2, app);
            ps.setString(3, resource);
            ps.setLong(4, before);
            for (String unit : units) {
                ps.setString(1, unit);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        out.put(unit, sample(rs, resource));
                    }
                }
            }
        }
        return out;
    }

    /** Every message of {@code app}/{@code resource} (null: any resource) received in the period, oldest first. */
    public void within(String app, String resource, Period period, Scope scope, Consumer<Sample> each) throws SQLException {
        String sql = "SELECT client_id, ts, received, metrics_json, resource FROM telemetry WHERE app_id = ?"
                + (resource == null ? "" : " AND resource = ?") + " AND received >= ? AND received < ? AND client_id LIKE ?"
                + " ORDER BY received";
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, app);
            if (resource != null) {
                ps.setString(i++, resource);
            }
            ps.setLong(i++, period.start());
            ps.setLong(i++, period.end());
            ps.setString(i, scope.prefix() + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    each.accept(sample(rs, rs.getString(5)));
                }
            }
        }
    }

    private static Sample sample(ResultSet rs, String resource) throws SQLException {
        long ts = rs.getLong(2);
        boolean noTime = rs.wasNull();
        long received = rs.getLong(3);
        return new Sample(rs.getString(1), resource, noTime ? received : ts, received, MetricsJson.read(rs.getString(4)));
    }

    /**
     * The boxes' alarms whose kind starts with {@code kindPrefix} received in the period, oldest
     * first, with those the manager raised about a unit (client id {@code manager}, evidence
     * {@code unit}) under that unit.
     */
    public void alarms(String kindPrefix, Period period, Scope scope, Consumer<StoredAlarm> each) throws SQLException {
        String sql = "SELECT client_id, kind, severity, source, message, evidence_json, ts, received FROM alarms"
                + " WHERE kind >= ? AND kind < ? AND received >= ? AND received < ? AND (client_id LIKE ? OR client_id = ?) ORDER BY received";
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            // a range instead of LIKE: the kind index serves it (SQLite's LIKE ignores case and cannot)
            ps.setString(1, kindPrefix);
            ps.setString(2, kindPrefix.substring(0, kindPrefix.length() - 1) + (char) (kindPrefix.charAt(kindPrefix.length() - 1) + 1));
            ps.setLong(3, period.start());
            ps.setLong(4, period.end());
            ps.setString(5, scope.prefix() + "%");
            ps.setString(6, AlarmStore.MANAGER_CLIENT_ID);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, String> evidence = new LinkedHashMap<>();
                    MetricsJson.read(rs.getString(6)).forEach((k, v) -> evidence.put(k, String.valueOf(v)));
                    String unit = rs.getString(1);
                    if (AlarmStore.MANAGER_CLIENT_ID.equals(unit)) {
                        unit = evidence.get("unit");
                        if (unit == null || !scope.covers(unit)) {
                            continue;
                        }
                    }
                    Alarm.Severity severity;
                    try {
                        severity = Alarm.Severity.valueOf(rs.getString(3));
                    } catch (IllegalArgumentException e) {
                        severity = Alarm.Severity.WARNING;
                    }
                    each.accept(new StoredAlarm(unit, new Alarm(rs.getString(2), severity, rs.getString(4), rs.getString(5), evidence,
                            rs.getLong(7)), rs.getLong(8)));
                }
            }
        }
    }

    /** How many messages each unit's box sent in the period (health and lifecycle): no message, no evidence of absence. */
    public Map<String, Long> seen(Period period, Scope scope) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        for (String table : new String[]{"health_samples", "lifecycle_events"}) {
            try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("SELECT client_id, COUNT(*) FROM " + table
                    + " WHERE received >= ? AND received < ? AND client_id LIKE ? GROUP BY client_id")) {
                ps.setLong(1, period.start());
                ps.setLong(2, period.end());
                ps.setString(3, scope.prefix() + "%");
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.merge(rs.getString(1), rs.getLong(2), Long::sum);
                    }
                }
            }
        }
        return out;
    }

    /**
     * A duty report as the duty office registered it.
     *
     * @param late         filed after its written deadline
     * @param acknowledged when a provincial duty officer acknowledged it, 0 while not
     */
    public record DutyReport(String unit, String id, String kind, String level, long filedAt, long receivedAt, boolean late,
                             long acknowledged) {
    }

    /** The duty reports received in the period, oldest first. */
    public void dutyReports(Period period, Scope scope, Consumer<DutyReport> each) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("SELECT unit, id, kind, level, filed_at,"
                + " received_at, late, acknowledged_at FROM duty_reports WHERE received_at >= ? AND received_at < ? AND unit LIKE ?"
                + " ORDER BY received_at")) {
            ps.setLong(1, period.start());
            ps.setLong(2, period.end());
            ps.setString(3, scope.prefix() + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long ack = rs.getLong(8);
                    each.accept(new DutyReport(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                            rs.getLong(6), rs.getInt(7) != 0, rs.wasNull() ? 0 : ack));
                }
            }
        }
    }

    /** A unit's newest duty roster. */
    public record Roster(long version, long publishedAt, long receivedAt) {
    }

    /** Each unit's newest roster received before {@code before}. */
    public Map<String, Roster> rosters(long before, Scope scope) throws SQLException {
        Map<String, Roster> out = new HashMap<>();
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("SELECT unit, version, published_at,"
                + " received_at FROM duty_rosters WHERE received_at < ? AND unit LIKE ?")) {
            ps.setLong(1, before);
            ps.setString(2, scope.prefix() + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new Roster(rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                }
            }
        }
        return out;
    }
}
