package cn.egov.manager.noc.store;

import cn.egov.api.telemetry.Alarm;
import cn.egov.manager.store.AlarmStore;
import cn.egov.manager.store.Database;
import cn.egov.manager.store.MetricsJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The NOC's alarm list: the shell's {@code alarms} joined with what operators did
 * ({@code noc_alarm_state}: acknowledged by whom and when, assigned to whom; {@code noc_alarm_comments}),
 * and whether the box has since sent a CLEARED alarm of the same kind. The alarms themselves are
 * never changed.
 */
public final class AlarmBook {

    /** Longest comment kept. */
    public static final int MAX_COMMENT_CHARS = 2000;

    /** Matches an {@code alarms} row {@code a} to its handling row in table {@code t}. */
    private static String joins(String t) {
        return t + ".client_id = a.client_id AND " + t + ".received = a.received AND " + t + ".ts = a.ts AND " + t + ".kind = a.kind AND "
                + t + ".msg_epoch = COALESCE(a.msg_epoch, '') AND " + t + ".msg_seq = COALESCE(a.msg_seq, -1)";
    }

    /** A later CLEARED of the same kind from the same box (the manager's own alarms are told apart by evidence: not here). */
    private static final String CLEARED_AT = "(SELECT MAX(l.received) FROM alarms l WHERE l.client_id = a.client_id AND l.kind = a.kind"
            + " AND l.severity = 'CLEARED' AND l.received > a.received AND a.client_id <> '" + AlarmStore.MANAGER_CLIENT_ID + "')";

    private static final String SELECT = "SELECT a.client_id, a.msg_epoch, a.msg_seq, a.kind, a.severity, a.source, a.message,"
            + " a.evidence_json, a.ts, a.received, s.acknowledged_at, s.acknowledged_by, s.assignee, s.assigned_at, s.assigned_by,"
            + " (SELECT COUNT(*) FROM noc_alarm_comments c WHERE " + joins("c") + "), " + CLEARED_AT
            + " FROM alarms a LEFT JOIN noc_alarm_state s ON " + joins("s");

    private final Database database;

    /** Opens the book, making the part's tables when they are missing. */
    public AlarmBook(Database database) throws SQLException {
        this.database = database;
        database.migrate(NocSchema.PART, NocSchema.MIGRATIONS);
    }

    /** Alarms matching {@code q}, newest first. */
    public List<NocAlarm> list(AlarmQuery q) throws SQLException {
        StringBuilder sql = new StringBuilder(SELECT).append(" WHERE a.received >= ?");
        List<Object> args = new ArrayList<>(List.of(q.since()));
        if (q.unit() != null) {
            sql.append(" AND a.client_id = ?");
            args.add(q.unit());
        }
        if (q.county() != null) {
            sql.append(" AND a.client_id LIKE ?");
            args.add(q.county() + "-%");
        }
        if (q.city() != null) {
            sql.append(" AND a.client_id LIKE ?");
            args.add(q.city() + "__-%");
        }
        if (q.severity() != null) {
            sql.append(" AND a.severity = ?");
            args.add(q.severity());
        }
        if (q.counties() != null) {
            if (q.counties().isEmpty()) {
                return List.of();
            }
            sql.append(" AND substr(a.client_id, 1, 6) IN (").append(String.join(", ", Collections.nCopies(q.counties().size(), "?")))
                    .append(") AND a.client_id <> ?");
            args.addAll(q.counties());
            args.add(AlarmStore.MANAGER_CLIENT_ID);
        }
        if (q.state() != null) {
            sql.append(switch (q.state()) {
                case OPEN -> " AND s.acknowledged_at IS NULL AND a.severity <> 'CLEARED' AND " + CLEARED_AT + " IS NULL";
                case ACKNOWLEDGED -> " AND s.acknowledged_at IS NOT NULL";
                case CLEARED -> " AND s.acknowledged_at IS NULL AND (a.severity = 'CLEARED' OR " + CLEARED_AT + " IS NOT NULL)";
            });
        }
        sql.append(" ORDER BY a.received DESC LIMIT ?");
        args.add(q.limit());
        return query(sql.toString(), args);
    }

    /** One alarm, or empty when no stored alarm has these columns. */
    public Optional<NocAlarm> find(AlarmRef ref) throws SQLException {
        List<NocAlarm> found = query(SELECT + " WHERE a.client_id = ? AND a.received = ? AND a.ts = ? AND a.kind = ?"
                + " AND COALESCE(a.msg_epoch, '') = ? AND COALESCE(a.msg_seq, -1) = ? LIMIT 1",
                List.of(ref.clientId(), ref.received(), ref.ts(), ref.kind(), ref.epoch(), ref.seq()));
        return found.stream().findFirst();
    }

    /** One open alarm's kind and severity (the overview's indicators). */
    public record Open(String kind, Alarm.Severity severity) {
    }

    /** The open alarms of boxes received since {@code since}, by client id (the manager's own are left out). */
    public Map<String, List<Open>> open(long since) throws SQLException {
        return open(since, null);
    }

    /** The same for one box ({@code clientId}), or for all when it is null. */
    public Map<String, List<Open>> open(long since, String clientId) throws SQLException {
        Map<String, List<Open>> out = new LinkedHashMap<>();
        try (Connection c = database.connect();
             PreparedStatement ps = c.prepareStatement("SELECT a.client_id, a.kind, a.severity FROM alarms a LEFT JOIN noc_alarm_state s ON "
                     + joins("s") + " WHERE a.received >= ? AND a.client_id " + (clientId == null ? "<>" : "=") + " ?"
                     + " AND s.acknowledged_at IS NULL AND a.severity <> 'CLEARED' AND " + CLEARED_AT + " IS NULL")) {
            ps.setLong(1, since);
            ps.setString(2, clientId == null ? AlarmStore.MANAGER_CLIENT_ID : clientId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Alarm.Severity sev;
                    try {
                        sev = Alarm.Severity.valueOf(rs.getString(3));
                    } catch (IllegalArgumentException e) {
                        sev = Alarm.Severity.WARNING;
                    }
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new Open(rs.getString(2), sev));
                }
            }
        }
        return out;
    }

    /** Marks the alarm acknowledged; false when it was already (the first acknowledgement stays). */
    public boolean acknowledge(AlarmRef ref, String by, long at) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(upsert(
                "acknowledged_at, acknowledged_by", "acknowledged_at = excluded.acknowledged_at, acknowledged_by = excluded.acknowledged_by"
                        + " WHERE noc_alarm_state.acknowledged_at IS NULL"))) {
            bind(ps, ref);
            ps.setLong(7, at);
            ps.setString(8, by);
            return ps.executeUpdate() == 1;
        }
    }

    /** Assigns the alarm to {@code assignee} (again: the last assignment counts). */
    public void assign(AlarmRef ref, String assignee, String by, long at) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(upsert("assignee, assigned_at, assigned_by",
                "assignee = excluded.assignee, assigned_at = excluded.assigned_at, assigned_by = excluded.assigned_by"))) {
            bind(ps, ref);
            ps.setString(7, assignee);
            ps.setLong(8, at);
            ps.setString(9, by);
            ps.executeUpdate();
        }
    }

    /** Adds a comment (the caller checked its length and characters). */
    public void comment(AlarmRef ref, String author, long at, String body) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO noc_alarm_comments"
                + " (client_id, received, ts, kind, msg_epoch, msg_seq, at, author, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            bind(ps, ref);
            ps.setLong(7, at);
            ps.setString(8, author);
            ps.setString(9, body);
            ps.executeUpdate();
        }
    }

    /** The alarm's comments, oldest first. */
    public List<NocAlarm.Comment> comments(AlarmRef ref) throws SQLException {
        List<NocAlarm.Comment> out = new ArrayList<>();
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("SELECT at, author, body FROM noc_alarm_comments"
                + " WHERE client_id = ? AND received = ? AND ts = ? AND kind = ? AND msg_epoch = ? AND msg_seq = ? ORDER BY at")) {
            bind(ps, ref);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new NocAlarm.Comment(rs.getLong(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return out;
    }

    private static String upsert(String columns, String update) {
        int n = columns.split(",").length;
        return "INSERT INTO noc_alarm_state (client_id, received, ts, kind, msg_epoch, msg_seq, " + columns + ") VALUES (?, ?, ?, ?, ?, ?"
                + ", ?".repeat(n) + ") ON CONFLICT (client_id, received, ts, kind, msg_epoch, msg_seq) DO UPDATE SET " + update;
    }

    private static void bind(PreparedStatement ps, AlarmRef ref) throws SQLException {
        ps.setString(1, ref.clientId());
        ps.setLong(2, ref.received());
        ps.setLong(3, ref.ts());
        ps.setString(4, ref.kind());
        ps.setString(5, ref.epoch());
        ps.setLong(6, ref.seq());
    }

    private List<NocAlarm> query(String sql, List<Object> args) throws SQLException {
        List<NocAlarm> out = new ArrayList<>();
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        }
        return out;
    }

    private static NocAlarm row(ResultSet rs) throws SQLException {
        String client = rs.getString(1);
        String epoch = rs.getString(2);
        long seq = rs.getLong(3);
        if (rs.wasNull()) {
            seq = -1;
        }
        Map<String, String> evidence = new LinkedHashMap<>();
        MetricsJson.read(rs.getString(8)).forEach((k, v) -> evidence.put(k, String.valueOf(v)));
        Alarm.Severity severity;
        try {
            severity = Alarm.Severity.valueOf(rs.getString(5));
        } catch (IllegalArgumentException e) {
            severity = Alarm.Severity.WARNING;
        }
        long ts = rs.getLong(9);
        long received = rs.getLong(10);
        String kind = rs.getString(4);
        Alarm alarm = new Alarm(kind, severity, rs.getString(6), rs.getString(7), evidence, ts);
        String unit = AlarmStore.MANAGER_CLIENT_ID.equals(client) ? evidence.getOrDefault("unit", "") : client;
        return new NocAlarm(new AlarmRef(client, received, ts, kind, epoch == null ? "" : epoch, seq), alarm,
                unit.matches("\\d{6}-\\d{3}") ? unit : "", rs.getLong(17), rs.getLong(11), nz(rs.getString(12)), nz(rs.getString(13)),
                rs.getLong(14), nz(rs.getString(15)), rs.getInt(16));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
