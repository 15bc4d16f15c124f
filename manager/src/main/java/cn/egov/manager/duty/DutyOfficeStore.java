package cn.egov.manager.duty;

import cn.egov.api.duty.DutyReport;
import cn.egov.api.duty.DutyReportPayload;
import cn.egov.api.duty.Roster;
import cn.egov.api.duty.RosterPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.payload.PayloadFormatException;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.MessageId;
import cn.egov.manager.store.Database;
import cn.egov.manager.store.MetricsJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The duty office's tables (plain SQL: SQLite and PostgreSQL; the duty part's own steps {@link #MIGRATIONS},
 * history {@code schema_history_duty}), kept apart from the ingest log so
 * that its retention never touches them:
 * <ul>
 *   <li>{@code duty_reports}: every accepted report in its wire form, with its arrival, deadline
 *       verdict, acknowledgement and escalation state;</li>
 *   <li>{@code duty_refusals}: every refused report message with the field and reason (sequence
 *       refusals keep the payload: a report that overtook its predecessor is accepted once that arrives);</li>
 *   <li>{@code duty_rosters}: each unit's newest roster.</li>
 * </ul>
 */
final class DutyOfficeStore {

    private static final String REPORT_COLUMNS = "payload, received_at, late, acknowledged_at, acknowledged_by, ack_note, step,"
            + " next_escalation_at, alarms";
    /** Longest reason kept for a refusal. */
    private static final int MAX_REASON = 1000;

    /**
     * The duty part's schema steps: append, never edit a shipped one. Step 1 is what the shell's
     * core step 4 made before parts had steps of their own (that step now runs nothing), with
     * {@code IF NOT EXISTS}: on a database where core step 4 ran, the tables are there and the step
     * only records itself.
     */
    static final List<String> MIGRATIONS = List.of(
            // 1: reports with their acknowledgement and escalation state, refused report messages, each
            // unit's newest roster; alarms by kind (the duty office's alarm list)
            """
            CREATE TABLE IF NOT EXISTS duty_reports (
              id TEXT PRIMARY KEY, unit TEXT NOT NULL, incident TEXT NOT NULL, number INTEGER NOT NULL, kind TEXT NOT NULL,
              level TEXT NOT NULL, status TEXT NOT NULL, filed_at BIGINT NOT NULL, received_at BIGINT NOT NULL,
              msg_epoch TEXT, msg_seq BIGINT, late INTEGER NOT NULL, payload BYTEA NOT NULL,
              acknowledged_at BIGINT, acknowledged_by TEXT, ack_note TEXT NOT NULL DEFAULT '',
              step INTEGER NOT NULL, next_escalation_at BIGINT, alarms INTEGER NOT NULL, UNIQUE (incident, number)
            );
            CREATE INDEX IF NOT EXISTS duty_reports_unit ON duty_reports (unit, received_at);
            CREATE INDEX IF NOT EXISTS duty_reports_due ON duty_reports (next_escalation_at);
            CREATE TABLE IF NOT EXISTS duty_refusals (
              unit TEXT NOT NULL, msg_epoch TEXT NOT NULL, msg_seq BIGINT NOT NULL, received_at BIGINT NOT NULL,
              report_id TEXT, incident TEXT, number INTEGER, field TEXT NOT NULL, reason TEXT NOT NULL, payload BYTEA,
              resolved INTEGER NOT NULL, PRIMARY KEY (unit, msg_epoch, msg_seq)
            );
            CREATE TABLE IF NOT EXISTS duty_rosters (
              unit TEXT PRIMARY KEY, version BIGINT NOT NULL, published_at BIGINT NOT NULL, received_at BIGINT NOT NULL,
              payload BYTEA NOT NULL
            );
            CREATE INDEX IF NOT EXISTS alarms_kind ON alarms (kind, received)
            """
    );

    private final Database database;

    /** Opens the office's store, making its tables when they are missing (commands that use the store alone). */
    DutyOfficeStore(Database database) throws SQLException {
        this.database = database;
        database.migrate(DutyPart.NAME, MIGRATIONS);
    }

    /** A refused report message. */
    record Refusal(String unit, MessageId messageId, Instant receivedAt, String reportId, String incident, Integer number,
                   String field, String reason, byte[] payload, boolean resolved) {
    }

    /** A unit's roster as received. */
    record StoredRoster(Roster roster, Instant receivedAt) {
    }

    // ---- reports

    /** Inserts an accepted report; false when its identifier is already stored (a resend). */
    boolean insert(DutyReport r, MessageId id, Instant receivedAt, boolean late, Instant nextEscalationAt) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO duty_reports (id, unit, incident,"
                + " number, kind, level, status, filed_at, received_at, msg_epoch, msg_seq, late, payload, step, next_escalation_at, alarms)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 0) ON CONFLICT DO NOTHING")) {
            ps.setString(1, r.id());
            ps.setString(2, r.unit().toString());
            ps.setString(3, r.incident());
            ps.setInt(4, r.number());
            ps.setString(5, r.kind().name());
            ps.setString(6, r.level().name());
            ps.setString(7, r.status().name());
            ps.setLong(8, r.filedAt().toEpochMilli());
            ps.setLong(9, receivedAt.toEpochMilli());
            ps.setString(10, id == null ? null : id.epoch());
            setLong(ps, 11, id == null ? null : id.sequence());
            ps.setInt(12, late ? 1 : 0);
            ps.setBytes(13, KuraPayloadCodec.encode(DutyReportPayload.encode(r)));
            setLong(ps, 14, nextEscalationAt == null ? null : nextEscalationAt.toEpochMilli());
            return ps.executeUpdate() == 1;
        }
    }

    Optional<OfficeReport> report(String id) throws SQLException {
        List<OfficeReport> l = query("SELECT " + REPORT_COLUMNS + " FROM duty_reports WHERE id = ?", id);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    /** The reports of an incident, by number. */
    List<OfficeReport> incident(String incident) throws SQLException {
        return query("SELECT " + REPORT_COLUMNS + " FROM duty_reports WHERE incident = ? ORDER BY number", incident);
    }

    /** Reports of one unit received since {@code since}, newest first. */
    List<OfficeReport> ofUnit(String unit, Instant since, int limit) throws SQLException {
        return query("SELECT " + REPORT_COLUMNS + " FROM duty_reports WHERE unit = ? AND received_at >= ? ORDER BY received_at DESC LIMIT ?",
                unit, since.toEpochMilli(), limit);
    }

    /**
     * Reports for the office's list: unacknowledged first (oldest first: the longest waiting on top), then
     * the newest acknowledged ones; {@code unitPrefix} narrows to a city ({@code 1306}), county or unit.
     */
    List<OfficeReport> list(String unitPrefix, boolean unacknowledgedOnly, int limit) throws SQLException {
        String where = unitPrefix == null ? "" : " AND unit LIKE ?";
        Object[] args = unitPrefix == null ? new Object[] {limit} : new Object[] {unitPrefix + "%", limit};
        List<OfficeReport> out = new ArrayList<>(query("SELECT " + REPORT_COLUMNS + " FROM duty_reports WHERE acknowledged_at IS NULL"
                + where + " ORDER BY received_at LIMIT ?", args));
        if (!unacknowledgedOnly && out.size() < limit) {
            Object[] rest = unitPrefix == null ? new Object[] {limit - out.size()} : new Object[] {unitPrefix + "%", limit - out.size()};
            out.addAll(query("SELECT " + REPORT_COLUMNS + " FROM duty_reports WHERE acknowledged_at IS NOT NULL" + where
                    + " ORDER BY received_at DESC LIMIT ?", rest));
        }
        return out;
    }

    /** Unacknowledged reports whose escalation is due at {@code now}, oldest due first. */
    List<OfficeReport> dueForEscalation(Instant now, int limit) throws SQLException {
        return query("SELECT " + REPORT_COLUMNS + " FROM duty_reports WHERE acknowledged_at IS NULL AND next_escalation_at IS NOT NULL"
                + " AND next_escalation_at <= ? ORDER BY next_escalation_at LIMIT ?", now.toEpochMilli(), limit);
    }

    /** Moves an unacknowledged report along the chain; false when it was acknowledged meanwhile. */
    boolean escalate(String id, int step, Instant next, int alarms) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("UPDATE duty_reports SET step = ?,"
                + " next_escalation_at = ?, alarms = ? WHERE id = ? AND acknowledged_at IS NULL")) {
            ps.setInt(1, step);
            setLong(ps, 2, next == null ? null : next.toEpochMilli());
            ps.setInt(3, alarms);
            ps.setString(4, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** Acknowledges a report; false when it was acknowledged already. */
    boolean acknowledge(String id, String by, String note, Instant at) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("UPDATE duty_reports SET acknowledged_at = ?,"
                + " acknowledged_by = ?, ack_note = ?, next_escalation_at = NULL WHERE id = ? AND acknowledged_at IS NULL")) {
            ps.setLong(1, at.toEpochMilli());
            ps.setString(2, by);
            ps.setString(3, note);
            ps.setString(4, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** Report message ids already stored, to tell what the ingest log holds that the office has not seen. */
    boolean knows(String unit, MessageId id) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM duty_reports WHERE unit = ? AND msg_epoch = ? AND msg_seq = ?"
                        + " UNION ALL SELECT 1 FROM duty_refusals WHERE unit = ? AND msg_epoch = ? AND msg_seq = ?")) {
            for (int i = 0; i < 2; i++) {
                ps.setString(1 + 3 * i, unit);
                ps.setString(2 + 3 * i, id.epoch());
                ps.setLong(3 + 3 * i, id.sequence());
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    // ---- refusals

    void refuse(Refusal r) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO duty_refusals (unit, msg_epoch,"
                + " msg_seq, received_at, report_id, incident, number, field, reason, payload, resolved)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0) ON CONFLICT DO NOTHING")) {
            ps.setString(1, r.unit());
            ps.setString(2, r.messageId() == null ? "" : r.messageId().epoch());
            ps.setLong(3, r.messageId() == null ? r.receivedAt().toEpochMilli() : r.messageId().sequence());
            ps.setLong(4, r.receivedAt().toEpochMilli());
            ps.setString(5, r.reportId());
            ps.setString(6, r.incident());
            if (r.number() == null) {
                ps.setNull(7, Types.INTEGER);
            } else {
                ps.setInt(7, r.number());
            }
            ps.setString(8, r.field());
            ps.setString(9, r.reason().length() <= MAX_REASON ? r.reason() : r.reason().substring(0, MAX_REASON) + "…");
            ps.setBytes(10, r.payload());
            ps.executeUpdate();
        }
    }

    /** Refused reports of {@code incident} kept for a second try (their payload), oldest first. */
    List<Refusal> parked(String incident) throws SQLException {
        return refusals("WHERE incident = ? AND resolved = 0 AND payload IS NOT NULL ORDER BY number, received_at", incident, 100);
    }

    void resolve(Refusal r) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(
                "UPDATE duty_refusals SET resolved = 1 WHERE unit = ? AND msg_epoch = ? AND msg_seq = ?")) {
            ps.setString(1, r.unit());
            ps.setString(2, r.messageId() == null ? "" : r.messageId().epoch());
            ps.setLong(3, r.messageId() == null ? r.receivedAt().toEpochMilli() : r.messageId().sequence());
            ps.executeUpdate();
        }
    }

    /** The newest refusals, newest first. */
    List<Refusal> refusals(int limit) throws SQLException {
        return refusals("ORDER BY received_at DESC", null, limit);
    }

    private List<Refusal> refusals(String where, String arg, int limit) throws SQLException {
        List<Refusal> out = new ArrayList<>();
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("SELECT unit, msg_epoch, msg_seq, received_at,"
                + " report_id, incident, number, field, reason, payload, resolved FROM duty_refusals " + where + " LIMIT ?")) {
            int i = 1;
            if (arg != null) {
                ps.setString(i++, arg);
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int number = rs.getInt(7);
                    Integer n = rs.wasNull() ? null : number;
                    out.add(new Refusal(rs.getString(1), rs.getString(2).isEmpty() ? null : new MessageId(rs.getString(2), rs.getLong(3)),
                            Instant.ofEpochMilli(rs.getLong(4)), rs.getString(5), rs.getString(6), n, rs.getString(8), rs.getString(9),
                            rs.getBytes(10), rs.getInt(11) != 0));
                }
            }
        }
        return out;
    }

    // ---- rosters

    /** Keeps a roster when it is newer than the unit's stored one; returns whether it was. */
    boolean putRoster(Roster r, Instant receivedAt) throws SQLException {
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            try {
                long have = -1;
                try (PreparedStatement ps = c.prepareStatement("SELECT version FROM duty_rosters WHERE unit = ?")) {
                    ps.setString(1, r.unit().toString());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            have = rs.getLong(1);
                        }
                    }
                }
                if (have >= r.version()) {
                    c.rollback();
                    return false;
                }
                try (PreparedStatement del = c.prepareStatement("DELETE FROM duty_rosters WHERE unit = ?");
                     PreparedStatement ins = c.prepareStatement("INSERT INTO duty_rosters (unit, version, published_at, received_at, payload)"
                             + " VALUES (?, ?, ?, ?, ?)")) {
                    del.setString(1, r.unit().toString());
                    del.executeUpdate();
                    ins.setString(1, r.unit().toString());
                    ins.setLong(2, r.version());
                    ins.setLong(3, r.publishedAt().toEpochMilli());
                    ins.setLong(4, receivedAt.toEpochMilli());
                    ins.setBytes(5, KuraPayloadCodec.encode(RosterPayload.encode(r)));
                    ins.executeUpdate();
                }
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Every unit's roster, by unit code; {@code unitPrefix} narrows to a city, county or unit. */
    List<StoredRoster> rosters(String unitPrefix) throws SQLException {
        List<StoredRoster> out = new ArrayList<>();
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("SELECT payload, received_at FROM duty_rosters"
                + (unitPrefix == null ? "" : " WHERE unit LIKE ?") + " ORDER BY unit")) {
            if (unitPrefix != null) {
                ps.setString(1, unitPrefix + "%");
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    try {
                        out.add(new StoredRoster(RosterPayload.decode(KuraPayloadCodec.decode(rs.getBytes(1))),
                                Instant.ofEpochMilli(rs.getLong(2))));
                    } catch (PayloadFormatException e) {
                        throw new SQLException("a stored roster cannot be read: " + e.getMessage(), e);
                    }
                }
            }
        }
        return out;
    }

    /** A duty alarm as stored: raised by a box (its deadline clock) or by the office (client id {@code manager}). */
    record StoredAlarm(String clientId, Alarm alarm, Instant receivedAt) {
    }

    /** Alarms of the given kinds received since {@code since}, newest first. */
    List<StoredAlarm> alarms(List<String> kinds, Instant since, int limit) throws SQLException {
        List<StoredAlarm> out = new ArrayList<>();
        String marks = String.join(", ", java.util.Collections.nCopies(kinds.size(), "?"));
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("SELECT client_id, kind, severity, source, message,"
                + " evidence_json, ts, received FROM alarms WHERE kind IN (" + marks + ") AND received >= ? ORDER BY received DESC LIMIT ?")) {
            int i = 1;
            for (String k : kinds) {
                ps.setString(i++, k);
            }
            ps.setLong(i++, since.toEpochMilli());
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, String> evidence = new LinkedHashMap<>();
                    MetricsJson.read(rs.getString(6)).forEach((k, v) -> evidence.put(k, String.valueOf(v)));
                    out.add(new StoredAlarm(rs.getString(1), new Alarm(rs.getString(2), Alarm.Severity.valueOf(rs.getString(3)),
                            rs.getString(4), rs.getString(5), evidence, rs.getLong(7)), Instant.ofEpochMilli(rs.getLong(8))));
                }
            }
        }
        return out;
    }

    // ---- plumbing

    private List<OfficeReport> query(String sql, Object... args) throws SQLException {
        List<OfficeReport> out = new ArrayList<>();
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    DutyReport r;
                    try {
                        r = DutyReportPayload.decode(KuraPayloadCodec.decode(rs.getBytes(1)));
                    } catch (PayloadFormatException e) {
                        throw new SQLException("a stored duty report cannot be read: " + e.getMessage(), e);
                    }
                    out.add(new OfficeReport(r, Instant.ofEpochMilli(rs.getLong(2)), rs.getInt(3) != 0, time(rs, 4), rs.getString(5),
                            rs.getString(6), rs.getInt(7), time(rs, 8), rs.getInt(9)));
                }
            }
        }
        return out;
    }

    private static Instant time(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }
}
