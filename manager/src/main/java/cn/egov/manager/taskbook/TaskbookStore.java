package cn.egov.manager.taskbook;

import cn.egov.manager.evidence.Scope;
import cn.egov.manager.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The entries people made in the task book ({@code taskbook_entries}): only ever added, so the
 * history of a task stays (who said what, when); the newest entry of a unit's task in a year is
 * its status.
 */
public final class TaskbookStore {

    static final List<String> MIGRATIONS = List.of("""
            CREATE TABLE taskbook_entries (
              year INTEGER NOT NULL, unit TEXT NOT NULL, task TEXT NOT NULL, done INTEGER NOT NULL, note TEXT NOT NULL,
              entered_by TEXT NOT NULL, role TEXT NOT NULL, entered_at BIGINT NOT NULL
            );
            CREATE INDEX taskbook_entries_year ON taskbook_entries (year, unit, task, entered_at)
            """);

    private final Database database;

    public TaskbookStore(Database database) throws SQLException {
        this.database = database;
        database.migrate("taskbook", MIGRATIONS);
    }

    public void add(Entry e) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO taskbook_entries (year, unit, task,"
                + " done, note, entered_by, role, entered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setInt(1, e.year());
            ps.setString(2, e.unit());
            ps.setString(3, e.task().name());
            ps.setInt(4, e.done() ? 1 : 0);
            ps.setString(5, e.note());
            ps.setString(6, e.enteredBy());
            ps.setString(7, e.role());
            ps.setLong(8, e.enteredAt());
            ps.executeUpdate();
        }
    }

    /** The newest entry of each unit's task in {@code year}, for the units of {@code scope}. */
    public Map<String, Map<AnnualTask, Entry>> latest(int year, Scope scope) throws SQLException {
        Map<String, Map<AnnualTask, Entry>> out = new HashMap<>();
        for (Entry e : entries(year, scope, "ORDER BY entered_at", Integer.MAX_VALUE)) {
            out.computeIfAbsent(e.unit(), k -> new EnumMap<>(AnnualTask.class)).put(e.task(), e);
        }
        return out;
    }

    /** Entries of {@code year} for the units of {@code scope}, newest first. */
    public List<Entry> history(int year, Scope scope, int limit) throws SQLException {
        return entries(year, scope, "ORDER BY entered_at DESC", limit);
    }

    private List<Entry> entries(int year, Scope scope, String order, int limit) throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("SELECT year, unit, task, done, note, entered_by, role,"
                + " entered_at FROM taskbook_entries WHERE year = ? AND unit LIKE ? " + order)) {
            ps.setInt(1, year);
            ps.setString(2, scope.prefix() + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && out.size() < limit) {
                    AnnualTask task;
                    try {
                        task = AnnualTask.valueOf(rs.getString(3));
                    } catch (IllegalArgumentException gone) {
                        continue; // a task a later version of the book no longer has
                    }
                    out.add(new Entry(rs.getInt(1), rs.getString(2), task, rs.getInt(4) != 0, rs.getString(5), rs.getString(6),
                            rs.getString(7), rs.getLong(8)));
                }
            }
        }
        return out;
    }
}
