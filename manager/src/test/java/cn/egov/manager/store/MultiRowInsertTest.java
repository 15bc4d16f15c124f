package cn.egov.manager.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.support.StoreKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Rows go in by statements of a few fixed row counts, in order, each row once, on both stores. */
@ParameterizedClass
@EnumSource(StoreKind.class)
class MultiRowInsertTest {

    @Parameter
    StoreKind store;

    @TempDir
    Path dir;

    @Test
    void aFewRowCountsCoverEveryBatch() {
        Set<Integer> counts = new TreeSet<>();
        for (int n = 1; n <= 5_000; n++) {
            int left = n;
            int statements = 0;
            while (left > 0) {
                int chunk = MultiRowInsert.chunk(left);
                assertTrue(chunk >= 1 && chunk <= left && chunk <= MultiRowInsert.ROWS_PER_STATEMENT, n + ": " + chunk);
                counts.add(chunk);
                left -= chunk;
                statements++;
            }
            assertTrue(statements <= (n + MultiRowInsert.ROWS_PER_STATEMENT - 1) / MultiRowInsert.ROWS_PER_STATEMENT + 6,
                    n + " rows in " + statements + " statements");
        }
        // 100, 200, ..., 500 and 1, 2, 4, ..., 64: the SQL texts a table ever has
        assertEquals(Set.of(1, 2, 4, 8, 16, 32, 64, 100, 200, 300, 400, 500), counts);
        assertEquals(500, MultiRowInsert.chunk(500), "a full batch of the default size is one statement");
    }

    @Test
    void everyRowOnceInOrderAndTheNewOnesReturned() throws Exception {
        Database db = store.open(dir);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE m (k VARCHAR(20) NOT NULL, seq BIGINT NOT NULL, body VARCHAR(20), UNIQUE (k, seq))");
        }
        MultiRowInsert insert = new MultiRowInsert("m", List.of("k", "seq", "body"), new int[] {Types.VARCHAR, Types.BIGINT, Types.VARCHAR},
                " ON CONFLICT DO NOTHING RETURNING k, seq");
        long seq = 0;
        int expected = 0;
        for (int n : new int[] {1, 37, 63, 64, 65, 100, 499, 500, 501, 1_027}) {
            List<Object[]> rows = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                rows.add(new Object[] {"box-" + (i % 7), seq++, i % 3 == 0 ? null : "r" + i});
            }
            rows.add(rows.get(0).clone()); // a redelivery inside the batch: stored and returned once
            List<Long> returned = new ArrayList<>();
            try (Connection c = db.connect()) {
                c.setAutoCommit(false);
                insert.run(c, rows, List.of(), rs -> returned.add(rs.getLong(2)));
                c.commit();
            }
            expected += n;
            assertEquals(n, returned.size(), n + " rows");
            assertEquals(n, new TreeSet<>(returned).size(), n + " rows, each returned once");
        }
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT seq, body FROM m ORDER BY seq")) {
            long next = 0;
            while (rs.next()) {
                assertEquals(next++, rs.getLong(1));
            }
            assertEquals(expected, next);
        }
        db.close();
    }
}
