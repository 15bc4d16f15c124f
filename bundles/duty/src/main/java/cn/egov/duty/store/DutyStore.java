package cn.egov.duty.store;

import cn.egov.api.duty.DutyInputException;
import cn.egov.api.duty.DutyReport;
import cn.egov.api.duty.DutyReportPayload;
import cn.egov.api.duty.EventCategory;
import cn.egov.api.duty.ReportLevel;
import cn.egov.api.duty.ReportReceipt;
import cn.egov.api.duty.ReportStatus;
import cn.egov.api.duty.Receipts;
import cn.egov.api.duty.Shift;
import cn.egov.api.duty.ShiftRole;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.payload.PayloadFormatException;
import cn.egov.duty.FiledReport;
import cn.egov.duty.Incident;
import cn.egov.duty.SwapRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sqlite.JDBC;
import org.sqlite.SQLiteConfig;

/**
 * The box's duty records in SQLite (WAL, synchronous FULL: a report the officer was told is filed
 * survives a power cut): incidents, reports (in their wire form), the manager's receipts, the
 * roster and swap requests. One connection; every method is one transaction, so a refused or
 * failed change leaves nothing behind.
 */
public final class DutyStore implements AutoCloseable {

    private static final String[] SCHEMA = {
            """
            CREATE TABLE IF NOT EXISTS incidents (
              key INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, level TEXT NOT NULL, category TEXT NOT NULL,
              status TEXT NOT NULL, occurred_at INTEGER NOT NULL, registered_at INTEGER NOT NULL, registered_by TEXT NOT NULL,
              phone_reported_at INTEGER, incident_id TEXT UNIQUE, closed INTEGER NOT NULL DEFAULT 0, alarms INTEGER NOT NULL DEFAULT 0)""",
            """
            CREATE TABLE IF NOT EXISTS reports (
              id TEXT PRIMARY KEY, incident_key INTEGER NOT NULL REFERENCES incidents(key), number INTEGER NOT NULL,
              filed_at INTEGER NOT NULL, filed_by TEXT NOT NULL, queued INTEGER NOT NULL DEFAULT 0, payload BLOB NOT NULL,
              UNIQUE (incident_key, number))""",
            """
            CREATE TABLE IF NOT EXISTS receipts (
              report_id TEXT PRIMARY KEY REFERENCES reports(id), received_at INTEGER NOT NULL, acknowledged_at INTEGER,
              acknowledged_by TEXT NOT NULL, step INTEGER NOT NULL, escalated_to TEXT NOT NULL)""",
            """
            CREATE TABLE IF NOT EXISTS shifts (
              id TEXT PRIMARY KEY, start_at INTEGER NOT NULL, end_at INTEGER NOT NULL, role TEXT NOT NULL, person TEXT NOT NULL,
              phone TEXT NOT NULL)""",
            """
            CREATE TABLE IF NOT EXISTS swaps (
              id INTEGER PRIMARY KEY AUTOINCREMENT, shift_id TEXT NOT NULL, to_person TEXT NOT NULL, to_phone TEXT NOT NULL,
              reason TEXT NOT NULL, requested_by TEXT NOT NULL, requested_at INTEGER NOT NULL, state TEXT NOT NULL,
              decided_by TEXT NOT NULL DEFAULT '', decided_at INTEGER)""",
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)"
    };
    private static final String META_ROSTER_VERSION = "roster_version";
    private static final String META_RECEIPTS_ISSUED = "receipts_issued_at";
    private static final String META_ID_SECOND = "id_second";
    private static final String META_ID_SERIAL = "id_serial";

    private final Path file;
    private final Connection db;

    public DutyStore(Path file) {
        this.file = file;
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            config.enforceForeignKeys(true);
            config.setBusyTimeout(5_000);
            // Direct driver call: DriverManager does not see other bundles' drivers under OSGi.
            db = JDBC.createConnection(JDBC.PREFIX + file.toAbsolutePath(), config.toProperties());
            db.setAutoCommit(false);
            try (Statement s = db.createStatement()) {
                for (String sql : SCHEMA) {
                    s.execute(sql);
                }
            }
            db.commit();
        } catch (SQLException | IOException e) {
            throw new StoreException("cannot open the duty store " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    // ---- incidents

    public synchronized Incident register(String title, ReportLevel level, EventCategory category, ReportStatus status,
                                          Instant occurredAt, Instant registeredAt, String by) {
        return inTransaction(() -> {
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO incidents (title, level, category, status, occurred_at,"
                    + " registered_at, registered_by) VALUES (?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, title);
                ps.setString(2, level.name());
                ps.setString(3, category.name());
                ps.setString(4, status.name());
                ps.setLong(5, occurredAt.toEpochMilli());
                ps.setLong(6, registeredAt.toEpochMilli());
                ps.setString(7, by);
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    return incidentOrThrow(rs.getLong(1));
                }
            }
        });
    }

    public synchronized Optional<Incident> incident(long key) {
        return inTransaction(() -> incidentRow(key));
    }

    /** Incidents, newest first; {@code openOnly} leaves out closed ones. */
    public synchronized List<Incident> incidents(boolean openOnly, int limit) {
        return inTransaction(() -> {
            List<Incident> out = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement("SELECT " + INCIDENT_COLUMNS + " FROM incidents"
                    + (openOnly ? " WHERE closed = 0" : "") + " ORDER BY key DESC LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(incident(rs));
                    }
                }
            }
            return out;
        });
    }

    public synchronized void markPhoneReport(long key, Instant at) {
        inTransaction(() -> update("UPDATE incidents SET phone_reported_at = ? WHERE key = ?", at.toEpochMilli(), key));
    }

    /** Records that deadline alarms were raised (bits are added, never removed). */
    public synchronized void addAlarms(long key, int bits) {
        inTransaction(() -> update("UPDATE incidents SET alarms = alarms | ? WHERE key = ?", bits, key));
    }

    // ---- reports

    /** The next free identifier slot at or after {@code second}: {second, serial}; see {@link #insertReport}. */
    public synchronized long[] nextIdentifierSlot(long second) {
        return inTransaction(() -> {
            long last = meta(META_ID_SECOND, Long.MIN_VALUE);
            long serial = meta(META_ID_SERIAL, -1);
            if (second > last) {
                return new long[] {second, 0};
            }
            // Same second (or a clock set back): next serial, or the next second once 0-9 are used.
            return serial < 9 ? new long[] {last, serial + 1} : new long[] {last + 1, 0};
        });
    }

    /**
     * Stores a filed report with the identifier slot it used, updates its incident (level, the 初报's
     * identifier, closed) in the same transaction.
     */
    public synchronized void insertReport(DutyReport r, long incidentKey, String by, long[] slot) {
        inTransaction(() -> {
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO reports (id, incident_key, number, filed_at, filed_by, payload)"
                    + " VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, r.id());
                ps.setLong(2, incidentKey);
                ps.setInt(3, r.number());
                ps.setLong(4, r.filedAt().toEpochMilli());
                ps.setString(5, by);
                ps.setBytes(6, KuraPayloadCodec.encode(DutyReportPayload.encode(r)));
                ps.executeUpdate();
            }
            update("UPDATE incidents SET level = ?, title = ?, closed = ?, incident_id = COALESCE(incident_id, ?),"
                    + " phone_reported_at = COALESCE(phone_reported_at, ?) WHERE key = ?", r.level().name(), r.title(),
                    r.kind().closes() ? 1 : 0, r.incident(), r.phoneReportedAt() == null ? null : r.phoneReportedAt().toEpochMilli(),
                    incidentKey);
            putMeta(META_ID_SECOND, slot[0]);
            putMeta(META_ID_SERIAL, slot[1]);
            return null;
        });
    }

    public synchronized void markQueued(String id) {
        inTransaction(() -> update("UPDATE reports SET queued = 1 WHERE id = ?", id));
    }

    /** The reports of one incident, by number. */
    public synchronized List<FiledReport> reportsOf(long incidentKey) {
        return inTransaction(() -> reports("WHERE r.incident_key = ? ORDER BY r.number", incidentKey));
    }

    /** Reports filed but not yet in the outbox (a crash between the two), oldest first. */
    public synchronized List<FiledReport> unqueued() {
        return inTransaction(() -> reports("WHERE r.queued = 0 ORDER BY r.filed_at", null));
    }

    public synchronized Optional<FiledReport> report(String id) {
        return inTransaction(() -> reports("WHERE r.id = ?", id).stream().findFirst());
    }

    /** The newest reports of all incidents. */
    public synchronized List<FiledReport> recentReports(int limit) {
        return inTransaction(() -> reports("ORDER BY r.filed_at DESC LIMIT " + limit, null));
    }

    // ---- receipts

    /**
     * Takes the manager's receipts over when they are newer than the last ones applied; receipts for
     * reports this box does not have are ignored. Returns how many reports they updated.
     */
    public synchronized int applyReceipts(Receipts r) {
        return inTransaction(() -> {
            if (r.issuedAt().toEpochMilli() <= meta(META_RECEIPTS_ISSUED, Long.MIN_VALUE)) {
                return 0;
            }
            int n = 0;
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO receipts (report_id, received_at, acknowledged_at,"
                    + " acknowledged_by, step, escalated_to) SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM reports WHERE id = ?)"
                    + " ON CONFLICT (report_id) DO UPDATE SET received_at = excluded.received_at, acknowledged_at = excluded.acknowledged_at,"
                    + " acknowledged_by = excluded.acknowledged_by, step = excluded.step, escalated_to = excluded.escalated_to")) {
                for (ReportReceipt x : r.receipts()) {
                    ps.setString(1, x.reportId());
                    ps.setLong(2, x.receivedAt().toEpochMilli());
                    setTime(ps, 3, x.acknowledgedAt());
                    ps.setString(4, x.acknowledgedBy());
                    ps.setInt(5, x.escalationStep());
                    ps.setString(6, x.escalatedTo());
                    ps.setString(7, x.reportId());
                    n += ps.executeUpdate();
                }
            }
            putMeta(META_RECEIPTS_ISSUED, r.issuedAt().toEpochMilli());
            return n;
        });
    }

    // ---- roster

    public synchronized long rosterVersion() {
        return inTransaction(() -> meta(META_ROSTER_VERSION, 0));
    }

    /** Shifts that overlap [from, to), by start. */
    public synchronized List<Shift> shifts(Instant from, Instant to) {
        return inTransaction(() -> {
            List<Shift> out = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement("SELECT id, start_at, end_at, role, person, phone FROM shifts"
                    + " WHERE end_at > ? AND start_at < ? ORDER BY start_at, id")) {
                ps.setLong(1, from.toEpochMilli());
                ps.setLong(2, to.toEpochMilli());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(shift(rs));
                    }
                }
            }
            return out;
        });
    }

    public synchronized Optional<Shift> shift(String id) {
        return inTransaction(() -> {
            try (PreparedStatement ps = db.prepareStatement("SELECT id, start_at, end_at, role, person, phone FROM shifts WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(shift(rs)) : Optional.<Shift>empty();
                }
            }
        });
    }

    /** Adds or replaces a shift; returns the new roster version. */
    public synchronized long putShift(Shift s) {
        return inTransaction(() -> {
            try (PreparedStatement ps = db.prepareStatement("INSERT OR REPLACE INTO shifts (id, start_at, end_at, role, person, phone)"
                    + " VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, s.id());
                ps.setLong(2, s.start().toEpochMilli());
                ps.setLong(3, s.end().toEpochMilli());
                ps.setString(4, s.role().name());
                ps.setString(5, s.person());
                ps.setString(6, s.phone());
                ps.executeUpdate();
            }
            return bumpRoster();
        });
    }

    /** Removes a shift and its pending swap requests; returns the new roster version, or -1 when there was none. */
    public synchronized long removeShift(String id) {
        return inTransaction(() -> {
            if (update("DELETE FROM shifts WHERE id = ?", id) == 0) {
                return -1L;
            }
            update("UPDATE swaps SET state = 'REFUSED', decided_by = 'removed with its shift' WHERE shift_id = ? AND state = 'PENDING'", id);
            return bumpRoster();
        });
    }

    public synchronized SwapRequest requestSwap(String shiftId, String toPerson, String toPhone, String reason, String by, Instant at) {
        return inTransaction(() -> {
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO swaps (shift_id, to_person, to_phone, reason, requested_by,"
                    + " requested_at, state) VALUES (?, ?, ?, ?, ?, ?, 'PENDING')", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, shiftId);
                ps.setString(2, toPerson);
                ps.setString(3, toPhone);
                ps.setString(4, reason);
                ps.setString(5, by);
                ps.setLong(6, at.toEpochMilli());
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    return swapRow(rs.getLong(1)).orElseThrow();
                }
            }
        });
    }

    public synchronized Optional<SwapRequest> swap(long id) {
        return inTransaction(() -> swapRow(id));
    }

    public synchronized List<SwapRequest> swaps(boolean pendingOnly, int limit) {
        return inTransaction(() -> {
            List<SwapRequest> out = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement("SELECT " + SWAP_COLUMNS + " FROM swaps"
                    + (pendingOnly ? " WHERE state = 'PENDING'" : "") + " ORDER BY id DESC LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(swap(rs));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Decides a pending request; an approval hands the shift over in the same transaction. Returns
     * the new roster version on approval, 0 on refusal.
     */
    public synchronized long decideSwap(long id, boolean approve, String by, Instant at) {
        return inTransaction(() -> {
            SwapRequest s = swapRow(id).orElseThrow(() -> new DutyInputException("swap", "no swap request " + id));
            if (s.state() != SwapRequest.State.PENDING) {
                throw new DutyInputException("swap", "swap request " + id + " was already " + s.state().name().toLowerCase());
            }
            update("UPDATE swaps SET state = ?, decided_by = ?, decided_at = ? WHERE id = ?",
                    approve ? "APPROVED" : "REFUSED", by, at.toEpochMilli(), id);
            if (!approve) {
                return 0L;
            }
            if (update("UPDATE shifts SET person = ?, phone = ? WHERE id = ?", s.toPerson(), s.toPhone(), s.shiftId()) == 0) {
                throw new DutyInputException("swap", "shift " + s.shiftId() + " of swap request " + id + " no longer exists");
            }
            return bumpRoster();
        });
    }

    // ---- plumbing

    private static final String INCIDENT_COLUMNS = "key, title, level, category, status, occurred_at, registered_at, registered_by,"
            + " phone_reported_at, incident_id, closed, alarms";
    private static final String SWAP_COLUMNS = "id, shift_id, to_person, to_phone, reason, requested_by, requested_at, state,"
            + " decided_by, decided_at";

    private Incident incidentOrThrow(long key) throws SQLException {
        return incidentRow(key).orElseThrow(() -> new SQLException("incident " + key + " vanished"));
    }

    private Optional<Incident> incidentRow(long key) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT " + INCIDENT_COLUMNS + " FROM incidents WHERE key = ?")) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(incident(rs)) : Optional.empty();
            }
        }
    }

    private static Incident incident(ResultSet rs) throws SQLException {
        return new Incident(rs.getLong(1), rs.getString(2), ReportLevel.valueOf(rs.getString(3)), EventCategory.valueOf(rs.getString(4)),
                ReportStatus.valueOf(rs.getString(5)), Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)),
                rs.getString(8), time(rs, 9), rs.getString(10), rs.getInt(11) != 0, rs.getInt(12));
    }

    private List<FiledReport> reports(String where, Object arg) throws SQLException {
        List<FiledReport> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT r.payload, r.incident_key, r.filed_by, r.queued, c.received_at,"
                + " c.acknowledged_at, c.acknowledged_by, c.step, c.escalated_to, r.id FROM reports r"
                + " LEFT JOIN receipts c ON c.report_id = r.id " + where)) {
            if (arg instanceof Long l) {
                ps.setLong(1, l);
            } else if (arg != null) {
                ps.setString(1, arg.toString());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    DutyReport r;
                    try {
                        r = DutyReportPayload.decode(KuraPayloadCodec.decode(rs.getBytes(1)));
                    } catch (PayloadFormatException e) {
                        throw new SQLException("report " + rs.getString(10) + " in " + file + " cannot be read: " + e.getMessage(), e);
                    }
                    ReportReceipt receipt = rs.getObject(5) == null ? null : new ReportReceipt(r.id(), Instant.ofEpochMilli(rs.getLong(5)),
                            time(rs, 6), rs.getString(7), rs.getInt(8), rs.getString(9));
                    out.add(new FiledReport(r, rs.getLong(2), rs.getString(3), rs.getInt(4) != 0, receipt));
                }
            }
        }
        return out;
    }

    private Optional<SwapRequest> swapRow(long id) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT " + SWAP_COLUMNS + " FROM swaps WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(swap(rs)) : Optional.empty();
            }
        }
    }

    private static SwapRequest swap(ResultSet rs) throws SQLException {
        return new SwapRequest(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                Instant.ofEpochMilli(rs.getLong(7)), SwapRequest.State.valueOf(rs.getString(8)), rs.getString(9), time(rs, 10));
    }

    private static Shift shift(ResultSet rs) throws SQLException {
        return new Shift(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), Instant.ofEpochMilli(rs.getLong(3)),
                ShiftRole.valueOf(rs.getString(4)), rs.getString(5), rs.getString(6));
    }

    private long bumpRoster() throws SQLException {
        long v = meta(META_ROSTER_VERSION, 0) + 1;
        putMeta(META_ROSTER_VERSION, v);
        return v;
    }

    private long meta(String key, long fallback) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : fallback;
            }
        }
    }

    private void putMeta(String key, long value) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)")) {
            ps.setString(1, key);
            ps.setLong(2, value);
            ps.executeUpdate();
        }
    }

    private int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }

    private static Instant time(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static void setTime(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(i, java.sql.Types.BIGINT);
        } else {
            ps.setLong(i, t.toEpochMilli());
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    /** Runs {@code work} as one transaction: committed, or rolled back with nothing changed. */
    private <T> T inTransaction(Work<T> work) {
        try {
            T result = work.run();
            db.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                db.rollback();
            } catch (SQLException ignored) {
                // the original failure is what matters
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new StoreException("duty store " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close the duty store " + file + ": " + e.getMessage(), e);
        }
    }
}
