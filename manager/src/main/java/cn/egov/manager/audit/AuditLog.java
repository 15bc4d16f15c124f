package cn.egov.manager.audit;

import cn.egov.manager.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes and reads the {@code audit_log} table: every state-changing request and command records
 * one entry, whether it succeeded or was refused. Entries are only ever added; the console shows them.
 */
public final class AuditLog {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    /** Longest detail kept; the rest is cut (an entry is one sentence, not a document). */
    static final int MAX_DETAIL_CHARS = 2000;

    private final Database database;

    public AuditLog(Database database) {
        this.database = database;
    }

    /**
     * Records one entry in its own transaction. A store failure is logged and rethrown: an action
     * that cannot be audited must not be reported as done.
     */
    public void record(AuditEntry e) throws SQLException {
        try (Connection c = database.connect();
             // id: the order of entries written within one millisecond (portable: no identity column needed)
             PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log (id, ts, actor, role, action, target, outcome, detail, source)"
                     + " SELECT COALESCE(MAX(id), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ? FROM audit_log")) {
            ps.setLong(1, e.time());
            ps.setString(2, e.actor());
            ps.setString(3, e.role());
            ps.setString(4, e.action());
            ps.setString(5, e.target());
            ps.setString(6, e.outcome().name());
            ps.setString(7, e.detail() == null || e.detail().length() <= MAX_DETAIL_CHARS ? e.detail()
                    : e.detail().substring(0, MAX_DETAIL_CHARS) + "…");
            ps.setString(8, e.source());
            ps.executeUpdate();
        } catch (SQLException ex) {
            LOG.error("audit entry not written ({} {} by {}): {}", e.action(), e.outcome(), e.actor(), ex.toString());
            throw ex;
        }
    }

    /** Deletes entries older than {@code before} (ms since the epoch); returns how many went. */
    public int deleteBefore(long before) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("DELETE FROM audit_log WHERE ts < ?")) {
            ps.setLong(1, before);
            return ps.executeUpdate();
        }
    }

    /** How many entries are kept. */
    public long count() throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM audit_log");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** The newest entries first, at most {@code limit}. */
    public List<AuditEntry> newest(int limit) throws SQLException {
        return find(AuditQuery.newest(limit)).entries();
    }

    /**
     * The entries {@code q} asks for, newest written first (by id: the order they were written in,
     * so a cursor pages without gaps or repeats while entries are added).
     */
    public AuditPage find(AuditQuery q) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT id, ts, actor, role, action, target, outcome, detail, source FROM audit_log"
                + " WHERE ts >= ? AND ts < ? AND id < ?");
        List<Object> args = new ArrayList<>(List.of(q.from(), q.to(), q.before()));
        if (q.actor() != null) {
            sql.append(" AND actor = ?");
            args.add(q.actor());
        }
        if (q.action() != null) {
            sql.append(" AND action = ?");
            args.add(q.action());
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        args.add(q.limit() + 1); // one more tells whether there is a next page
        List<AuditEntry> out = new ArrayList<>();
        Long next = null;
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                long lastId = 0;
                while (rs.next()) {
                    if (out.size() == q.limit()) {
                        next = lastId;
                        break;
                    }
                    lastId = rs.getLong(1);
                    out.add(new AuditEntry(rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                            AuditEntry.Outcome.valueOf(rs.getString(7)), rs.getString(8), rs.getString(9)));
                }
            }
        }
        return new AuditPage(out, next);
    }
}
