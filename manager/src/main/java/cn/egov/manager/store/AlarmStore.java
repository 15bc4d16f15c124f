package cn.egov.manager.store;

import cn.egov.api.telemetry.Alarm;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code alarms} table: alarms that boxes send (ingested with their message id) and alarms the
 * manager raises itself (client id {@value #MANAGER_CLIENT_ID}, no message id).
 */
public final class AlarmStore {

    /** Client id under which the manager's own alarms are stored. */
    public static final String MANAGER_CLIENT_ID = "manager";

    /** One stored alarm with the box it came from. */
    public record StoredAlarm(String clientId, Alarm alarm, long received) {
    }

    private final Database database;

    public AlarmStore(Database database) {
        this.database = database;
    }

    /** Records an alarm the manager raised (queue backlog, ...), in its own transaction. */
    public void raise(Alarm alarm) throws SQLException {
        try (Connection c = database.connect()) {
            insert(c, MANAGER_CLIENT_ID, null, null, alarm, System.currentTimeMillis());
        }
    }

    /** Inserts one alarm; returns false when its message id was already stored (a duplicate). */
    public static boolean insert(Connection c, String clientId, String epoch, Long seq, Alarm a, long received) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alarms (client_id, msg_epoch, msg_seq, kind, severity, source,"
                + " message, evidence_json, ts, received) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, clientId);
            ps.setString(2, epoch);
            if (seq == null) {
                ps.setNull(3, java.sql.Types.BIGINT);
            } else {
                ps.setLong(3, seq);
            }
            ps.setString(4, a.kind());
            ps.setString(5, a.severity().name());
            ps.setString(6, a.source());
            ps.setString(7, a.message());
            ps.setString(8, MetricsJson.write(a.evidence()));
            ps.setLong(9, a.time());
            ps.setLong(10, received);
            return ps.executeUpdate() == 1;
        }
    }

    /** The latest alarms, newest first; {@code clientId} null for all boxes. */
    public List<StoredAlarm> latest(String clientId, int limit) throws SQLException {
        String sql = "SELECT client_id, kind, severity, source, message, evidence_json, ts, received FROM alarms"
                + (clientId == null ? "" : " WHERE client_id = ?") + " ORDER BY received DESC LIMIT ?";
        List<StoredAlarm> out = new ArrayList<>();
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (clientId != null) {
                ps.setString(i++, clientId);
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    java.util.Map<String, String> ev = new java.util.LinkedHashMap<>();
                    MetricsJson.read(rs.getString(6)).forEach((k, v) -> ev.put(k, String.valueOf(v)));
                    out.add(new StoredAlarm(rs.getString(1), new Alarm(rs.getString(2), Alarm.Severity.valueOf(rs.getString(3)),
                            rs.getString(4), rs.getString(5), ev, rs.getLong(7)), rs.getLong(8)));
                }
            }
        }
        return out;
    }
}
