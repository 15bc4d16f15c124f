package cn.egov.manager.noc.store;

import cn.egov.manager.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The boxes' health as downsampled time series ({@code noc_series}): per box, metric and
 * {@link Resolution} one row per bucket with count, min, max and sum. A batch of samples is first
 * folded in memory (one row per bucket touched) and then merged into the stored rows in one
 * transaction, so a burst of samples costs one statement per bucket, not per sample. Rows older
 * than a resolution's retention are deleted by {@link #trim}.
 *
 * <p>The same transaction moves the replay mark ({@code noc_series_mark}): the newest
 * {@code received} time bucketed. After a crash the part replays the health samples the store
 * holds beyond it.
 */
public final class SeriesStore {

    private static final String MERGE = "INSERT INTO noc_series (client_id, metric, resolution_s, bucket, n, min_value, max_value, sum_value)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (client_id, metric, resolution_s, bucket) DO UPDATE SET"
            + " n = noc_series.n + excluded.n,"
            // CASE rather than min()/LEAST: SQLite has no LEAST, PostgreSQL no two-argument min
            + " min_value = CASE WHEN excluded.min_value < noc_series.min_value THEN excluded.min_value ELSE noc_series.min_value END,"
            + " max_value = CASE WHEN excluded.max_value > noc_series.max_value THEN excluded.max_value ELSE noc_series.max_value END,"
            + " sum_value = noc_series.sum_value + excluded.sum_value";

    private record Key(String clientId, String metric, Resolution resolution, long bucket) {
    }

    private static final class Fold {
        long n;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum;

        void add(double v) {
            n++;
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
        }
    }

    private final Database database;

    /** Opens the store, making the part's tables when they are missing. */
    public SeriesStore(Database database) throws SQLException {
        this.database = database;
        database.migrate(NocSchema.PART, NocSchema.MIGRATIONS);
    }

    /**
     * Adds samples to every resolution's buckets and moves the replay mark to the newest
     * {@code received} among them, in one transaction. Returns the number of bucket rows written.
     */
    public int add(List<Sample> samples) throws SQLException {
        if (samples.isEmpty()) {
            return 0;
        }
        return add(samples, samples.stream().mapToLong(Sample::received).max().getAsLong());
    }

    /**
     * Adds samples to every resolution's buckets and moves the replay mark to {@code mark} (when it
     * is newer), in one transaction, even when there are no samples: a replayed page whose messages
     * carried no configured figure is done too. Returns the number of bucket rows written.
     */
    public int add(List<Sample> samples, long mark) throws SQLException {
        Map<Key, Fold> folds = new LinkedHashMap<>();
        for (Sample s : samples) {
            for (Map.Entry<String, Double> v : s.values().entrySet()) {
                if (!Double.isFinite(v.getValue())) {
                    continue; // NaN or infinity cannot be averaged; the sample row keeps what was sent
                }
                for (Resolution r : Resolution.values()) {
                    folds.computeIfAbsent(new Key(s.clientId(), v.getKey(), r, r.bucketOf(s.time())), k -> new Fold()).add(v.getValue());
                }
            }
        }
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(MERGE)) {
                for (Map.Entry<Key, Fold> e : folds.entrySet()) {
                    Key k = e.getKey();
                    Fold f = e.getValue();
                    ps.setString(1, k.clientId());
                    ps.setString(2, k.metric());
                    ps.setInt(3, k.resolution().seconds());
                    ps.setLong(4, k.bucket());
                    ps.setLong(5, f.n);
                    ps.setDouble(6, f.min);
                    ps.setDouble(7, f.max);
                    ps.setDouble(8, f.sum);
                    ps.addBatch();
                }
                ps.executeBatch();
                moveMark(c, mark);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
        return folds.size();
    }

    private static void moveMark(Connection c, long received) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE noc_series_mark SET received = ? WHERE id = 1 AND received < ?")) {
            ps.setLong(1, received);
            ps.setLong(2, received);
            if (ps.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO noc_series_mark (id, received) VALUES (1, ?) ON CONFLICT (id) DO NOTHING")) {
            ps.setLong(1, received);
            ps.executeUpdate();
        }
    }

    /** The newest {@code received} time bucketed, or empty before the first sample. */
    public java.util.OptionalLong mark() throws SQLException {
        try (Connection c = database.connect();
             PreparedStatement ps = c.prepareStatement("SELECT received FROM noc_series_mark WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? java.util.OptionalLong.of(rs.getLong(1)) : java.util.OptionalLong.empty();
        }
    }

    /** Sets the replay mark (the part's first start: nothing before now is replayed). */
    public void startMark(long received) throws SQLException {
        try (Connection c = database.connect()) {
            moveMark(c, received);
        }
    }

    /** One box's buckets of one metric with {@code from <= start < to}, oldest first. */
    public List<Bucket> read(String clientId, String metric, Resolution resolution, long from, long to) throws SQLException {
        List<Bucket> out = new ArrayList<>();
        try (Connection c = database.connect();
             PreparedStatement ps = c.prepareStatement("SELECT bucket, n, min_value, max_value, sum_value FROM noc_series"
                     + " WHERE client_id = ? AND metric = ? AND resolution_s = ? AND bucket >= ? AND bucket < ? ORDER BY bucket")) {
            ps.setString(1, clientId);
            ps.setString(2, metric);
            ps.setInt(3, resolution.seconds());
            ps.setLong(4, from);
            ps.setLong(5, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long n = rs.getLong(2);
                    out.add(new Bucket(rs.getLong(1), n, rs.getDouble(3), rs.getDouble(5) / n, rs.getDouble(4)));
                }
            }
        }
        return out;
    }

    /** Deletes {@code resolution}'s buckets that start before {@code before}; returns how many went. */
    public int trim(Resolution resolution, long before) throws SQLException {
        try (Connection c = database.connect();
             PreparedStatement ps = c.prepareStatement("DELETE FROM noc_series WHERE resolution_s = ? AND bucket < ?")) {
            ps.setInt(1, resolution.seconds());
            ps.setLong(2, before);
            return ps.executeUpdate();
        }
    }
}
