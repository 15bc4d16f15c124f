package cn.egov.manager.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One table's INSERT written for many rows at once, {@code INSERT INTO t (a, b) VALUES (?, ?), (?, ?), … tail},
 * a chunk of rows per statement. A JDBC batch of one-row statements costs PostgreSQL a statement per row
 * (parse-free, but an executor start, a row and a result each); one statement per chunk is what the storm's
 * ingest writer needed. SQLite and PostgreSQL both take multi-row VALUES, {@code ON CONFLICT} and
 * {@code RETURNING}, so the one SQL text serves both stores.
 *
 * <p>Example, the rows of a batch that were new:
 * <pre>{@code
 * new MultiRowInsert("t", List.of("k", "v"), new int[] {Types.VARCHAR, Types.BIGINT}, " ON CONFLICT DO NOTHING RETURNING k")
 *         .run(c, rows, List.of(), rs -> inserted.add(rs.getString(1)));
 * }</pre>
 */
public final class MultiRowInsert {

    /**
     * Most rows in one statement: with the widest table here (14 columns) 7,000 parameters, well under
     * PostgreSQL's 65,535 and SQLite's 32,766 per statement, whatever the ingest batch size.
     */
    static final int ROWS_PER_STATEMENT = 500;
    /**
     * Statements have a few fixed row counts (a multiple of this, or below it a power of two), so that
     * a table's inserts are a dozen SQL texts however a batch splits among the tables: PostgreSQL's
     * driver parses and the server prepares each once on the connection. With a statement of the
     * batch's own row count (as many texts as counts: a batch taken while the writer keeps up, or split
     * among tables, has any count) the driver parsed texts again and the server planned each anew.
     * A full batch of the default {@code ingest.batch.size} (2,000) of one table stays four statements.
     */
    static final int ROW_STEP = 100;

    /** {@code ON CONFLICT DO NOTHING} on a message table's unique (client id, epoch, sequence), returning the new rows' ids. */
    public static final String NEW_MESSAGE_IDS = " ON CONFLICT DO NOTHING RETURNING client_id, msg_epoch, msg_seq";

    /** Reads one row of what the statement returned. */
    @FunctionalInterface
    public interface Returned {
        void row(ResultSet rs) throws SQLException;
    }

    private final String head;
    private final String tuple;
    private final String tail;
    private final int[] types;
    /** The SQL of each row count used, made once. */
    private final Map<Integer, String> sqlByRows = new ConcurrentHashMap<>();

    /**
     * @param types the {@link java.sql.Types} of each column, in order (nulls are bound with it)
     * @param tail  what follows the VALUES: a conflict clause, a RETURNING; its own parameters come after the rows'
     */
    public MultiRowInsert(String table, List<String> columns, int[] types, String tail) {
        if (columns.size() != types.length) {
            throw new IllegalArgumentException(table + ": " + columns.size() + " columns but " + types.length + " types");
        }
        this.head = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ";
        this.tuple = "(" + String.join(", ", Collections.nCopies(columns.size(), "?")) + ")";
        this.tail = tail;
        this.types = types.clone();
    }

    /**
     * Inserts the rows, in their order, a chunk per statement.
     *
     * @param rows       each row's values in column order (Long, Integer, String, byte[] or null)
     * @param tailValues the tail's parameters, bound in every statement
     * @param returned   gets each row the statements return; null when the tail has no RETURNING
     */
    public void run(Connection c, List<Object[]> rows, List<String> tailValues, Returned returned) throws SQLException {
        for (int from = 0, n; from < rows.size(); from += n) {
            n = chunk(rows.size() - from);
            List<Object[]> chunk = rows.subList(from, from + n);
            try (PreparedStatement ps = c.prepareStatement(sqlByRows.computeIfAbsent(n, this::sql))) {
                int i = 1;
                for (Object[] row : chunk) {
                    if (row.length != types.length) {
                        throw new IllegalArgumentException(head + ": a row of " + row.length + " values for " + types.length + " columns");
                    }
                    for (int col = 0; col < row.length; col++) {
                        ps.setObject(i++, row[col], types[col]);
                    }
                }
                for (String v : tailValues) {
                    ps.setString(i++, v);
                }
                if (returned == null) {
                    ps.executeUpdate();
                } else {
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            returned.row(rs);
                        }
                    }
                }
            }
        }
    }

    /** The rows of the next statement when {@code left} remain: one of the few fixed counts ({@link #ROW_STEP}). */
    static int chunk(int left) {
        return left >= ROW_STEP ? Math.min(ROWS_PER_STATEMENT, left - left % ROW_STEP) : Integer.highestOneBit(left);
    }

    private String sql(int rows) {
        StringBuilder sql = new StringBuilder(head.length() + rows * (tuple.length() + 2) + tail.length()).append(head);
        for (int r = 0; r < rows; r++) {
            sql.append(r == 0 ? "" : ", ").append(tuple);
        }
        return sql.append(tail).toString();
    }
}
