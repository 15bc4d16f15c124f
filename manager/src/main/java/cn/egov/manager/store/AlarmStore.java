package cn.egov.manager.store;

import cn.egov.api.telemetry.Alarm;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
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

    /** The table's insert: alarms of boxes' messages (stored once by message id) and the manager's own. */
    public static final MultiRowInsert INSERT = new MultiRowInsert("alarms",
            List.of("client_id", "msg_epoch", "msg_seq", "kind", "severity", "source", "message", "evidence_json", "ts", "received"),
            new int[] {Types.VARCHAR, Types.VARCHAR, Types.BIGINT, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR,
                Types.VARCHAR, Types.BIGINT, Types.BIGINT}, MultiRowInsert.NEW_MESSAGE_IDS);

    /** One alarm's values for {@link #INSERT}. */
    public static Object[] row(String clientId, String epoch, Long seq, Alarm a, long received) {
        return new Object[] {clientId, epoch, seq, a.kind(), a.severity().name(), a.source(), a.message(),
            MetricsJson.write(a.evidence()), a.time(), received};
    }

    /** Inserts one alarm; returns false when its message id was already stored (a duplicate). */
    public static boolean insert(Connection c, String clientId, String epoch, Long seq, Alarm a, long received) throws SQLException {
        boolean[] inserted = {false};
        INSERT.run(c, List.<Object[]>of(row(clientId, epoch, seq, a, received)), List.of(), rs -> inserted[0] = true);
        return inserted[0];
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
