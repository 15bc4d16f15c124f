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
        List<AuditEntry> out = new ArrayList<>();
        try (Connection c = database.connect();
             PreparedStatement ps = c.prepareStatement("SELECT ts, actor, role, action, target, outcome, detail, source FROM audit_log"
                     + " ORDER BY ts DESC, id DESC LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AuditEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            AuditEntry.Outcome.valueOf(rs.getString(6)), rs.getString(7), rs.getString(8)));
                }
            }
        }
        return out;
    }
}
