package cn.egov.console.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who did what on the box, when, with what outcome and from where: every state-changing action
 * of the console (and of {@code appliance account}). Kept for {@link Settings#retention()} (the
 * classified-protection rules ask for at least six months) and bounded by
 * {@link Settings#maxRows()}: should the bound ever cut entries younger than the retention, that
 * is counted ({@link Stats#cutYoung()}) and reported, because the retention promise is then broken.
 */
public final class AuditLog {
    /** The least retention allowed: six months. */
    public static final Duration MIN_RETENTION = Duration.ofDays(183);
    /** Longest text kept per field: a field is a name, a path or a short sentence. */
    static final int MAX_FIELD = 500;

    /**
     * @param retention how long entries are kept (at least {@link #MIN_RETENTION})
     * @param maxRows   the most entries kept, whatever their age (the store's size bound)
     */
    public record Settings(Duration retention, int maxRows) {
        public Settings {
            if (retention.compareTo(MIN_RETENTION) < 0) {
                throw new IllegalArgumentException("audit retention must be at least " + MIN_RETENTION.toDays() + " days");
            }
            if (maxRows < 1) {
                throw new IllegalArgumentException("audit bound must be at least 1 entry");
            }
        }
    }

    public record Entry(long id, Instant at, String who, String action, String target, String outcome, String source) {
    }

    /**
     * @param rows      entries held
     * @param oldest    the oldest entry's time, if any
     * @param maxRows   the bound
     * @param pruned    entries removed for age since start
     * @param cutYoung  entries removed by the bound although younger than the retention, since start
     */
    public record Stats(long rows, Optional<Instant> oldest, int maxRows, long pruned, long cutYoung) {
    }

    private final ConsoleDatabase db;
    private final Settings settings;
    private final Clock clock;
    private final AtomicLong pruned = new AtomicLong();
    private final AtomicLong cutYoung = new AtomicLong();

    public AuditLog(ConsoleDatabase db, Settings settings, Clock clock) {
        this.db = db;
        this.settings = settings;
        this.clock = clock;
    }

    public void record(String who, String action, String target, String outcome, String source) throws StoreException {
        synchronized (db) {
            try (PreparedStatement ps = db.connection().prepareStatement(
                    "INSERT INTO audit (at, who, action, target, outcome, source) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setLong(1, clock.millis());
                ps.setString(2, cut(who));
                ps.setString(3, cut(action));
                ps.setString(4, cut(target));
                ps.setString(5, cut(outcome));
                ps.setString(6, cut(source));
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new StoreException("cannot write the audit log in " + db.path() + ": " + e.getMessage(), e);
            }
        }
    }

    /** The newest entries first, at most {@code limit}, skipping {@code offset}. */
    public List<Entry> recent(int limit, int offset) throws StoreException {
        synchronized (db) {
            try (PreparedStatement ps = db.connection().prepareStatement(
                    "SELECT id, at, who, action, target, outcome, source FROM audit ORDER BY id DESC LIMIT ? OFFSET ?")) {
                ps.setInt(1, limit);
                ps.setInt(2, offset);
                try (ResultSet rs = ps.executeQuery()) {
                    List<Entry> entries = new ArrayList<>();
                    while (rs.next()) {
                        entries.add(new Entry(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)));
                    }
                    return entries;
                }
            } catch (SQLException e) {
                throw new StoreException("cannot read the audit log in " + db.path() + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Removes entries older than the retention, then the oldest beyond the bound.
     *
     * @return entries removed by the bound although younger than the retention (0 when the bound holds)
     */
    public long prune() throws StoreException {
        long horizon = clock.instant().minus(settings.retention()).toEpochMilli();
        synchronized (db) {
            try (Statement s = db.connection().createStatement();
                 PreparedStatement old = db.connection().prepareStatement("DELETE FROM audit WHERE at < ?")) {
                old.setLong(1, horizon);
                pruned.addAndGet(old.executeUpdate());
                long rows = count(s);
                if (rows <= settings.maxRows()) {
                    return 0;
                }
                long excess = rows - settings.maxRows();
                s.executeUpdate("DELETE FROM audit WHERE id IN (SELECT id FROM audit ORDER BY id LIMIT " + excess + ")");
                cutYoung.addAndGet(excess);
                return excess;
            } catch (SQLException e) {
                throw new StoreException("cannot prune the audit log in " + db.path() + ": " + e.getMessage(), e);
            }
        }
    }

    public Stats stats() throws StoreException {
        synchronized (db) {
            try (Statement s = db.connection().createStatement();
                 ResultSet rs = s.executeQuery("SELECT MIN(at) FROM audit")) {
                long rows = count(s);
                long oldest = rs.next() ? rs.getLong(1) : 0;
                Optional<Instant> first = rows == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(oldest));
                return new Stats(rows, first, settings.maxRows(), pruned.get(), cutYoung.get());
            } catch (SQLException e) {
                throw new StoreException("cannot read the audit log in " + db.path() + ": " + e.getMessage(), e);
            }
        }
    }

    public Settings settings() {
        return settings;
    }

    private static long count(Statement unused) throws SQLException {
        try (Statement s = unused.getConnection().createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM audit")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static String cut(String value) {
        String v = value == null ? "" : value;
        return v.length() > MAX_FIELD ? v.substring(0, MAX_FIELD) + "…" : v;
    }
}
