package cn.egov.manager.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.store.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's reads outside transactions on kept SQLite connections: a kept connection sees every commit made after
 * it was kept (no stale snapshot), holds the writer back in nothing, readers side by side get connections of their
 * own and at most {@link HubStore#KEPT_READERS} are kept, and a read that failed does not leave its connection for
 * the next one.
 */
class HubStoreReadTest {

    @TempDir
    Path dir;

    @Test
    void keptReadersSeeEveryCommitAndStayBounded() throws Exception {
        HubStore store = new HubStore(Database.open("jdbc:sqlite:" + dir.resolve("manager.db")));
        try {
            Connection[] first = new Connection[1];
            int none = store.read(c -> {
                first[0] = c;
                return notices(c);
            });
            assertEquals(0, none);
            assertEquals(1, store.idleReaders());
            for (int i = 1; i <= 3; i++) {
                int id = i;
                store.tx(c -> {
                    try (Statement s = c.createStatement()) {
                        s.executeUpdate("INSERT INTO exchange_notice (id, box, kind, message_id, created, last_sent) VALUES ('n" + id
                                + "', '130602-001', 'RECEIPT', 'm" + id + "', 0, 0)");
                    }
                    return null;
                });
                int seen = store.read(c -> {
                    assertSame(first[0], c, "the kept connection serves the next read");
                    return notices(c);
                });
                assertEquals(i, seen, "the commit is seen by the kept reader");
            }

            // readers side by side (each read inside the one before): a connection each, KEPT_READERS kept afterwards
            List<Connection> used = new ArrayList<>();
            nested(store, HubStore.KEPT_READERS + 2, used);
            assertEquals(HubStore.KEPT_READERS + 2, used.stream().distinct().count());
            assertEquals(HubStore.KEPT_READERS, store.idleReaders());
            assertEquals(2, used.stream().filter(HubStoreReadTest::closed).count(), "the readers over the bound are closed");

            Connection[] failed = new Connection[1];
            assertThrows(SQLException.class, () -> store.read(c -> {
                failed[0] = c;
                try (Statement s = c.createStatement()) {
                    return s.executeQuery("SELECT no_such_column FROM exchange_notice").next();
                }
            }));
            assertTrue(failed[0].isClosed(), "a reader that failed is closed, not kept");
            assertEquals(HubStore.KEPT_READERS - 1, store.idleReaders());
        } finally {
            store.close();
        }
        assertEquals(0, store.idleReaders(), "closing the store closes its kept readers");
    }

    private static void nested(HubStore store, int depth, List<Connection> used) throws SQLException {
        store.read(c -> {
            used.add(c);
            if (depth > 1) {
                nested(store, depth - 1, used);
            }
            return notices(c);
        });
    }

    private static int notices(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM exchange_notice")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static boolean closed(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return false;
        }
    }
}
