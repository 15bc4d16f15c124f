package cn.egov.manager.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.support.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's connections come from a pool: one server session serves caller after caller, comes
 * back clean, and a caller past the bound gets an error; what belongs to a session (advisory locks)
 * is held on a connection of its own and ends when it is closed.
 */
class DatabasePoolTest {

    private Database db;

    @BeforeEach
    void open() throws Exception {
        PostgresServer pg = PostgresServer.shared();
        db = Database.open(pg.createDatabase(), PostgresServer.USER, pg.password(), new Database.Pool(1, Database.Pool.MIN_TIMEOUT_MS,
                Database.Pool.MIN_IDLE_MS));
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (v INTEGER)");
        }
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void oneSessionServesCallerAfterCallerAndComesBackClean() throws Exception {
        int pid;
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            pid = backend(s);
            c.setAutoCommit(false);
            s.execute("INSERT INTO t VALUES (1)"); // left uncommitted: the caller failed half-way
        }
        for (int i = 0; i < 20; i++) {
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                assertEquals(pid, backend(s), "no new login per caller");
                assertTrue(c.getAutoCommit(), "auto-commit again");
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
                    rs.next();
                    assertEquals(0, rs.getInt(1), "the open transaction was rolled back, not committed by the next caller");
                }
            }
        }
    }

    @Test
    void pastTheBoundACallerGetsAnErrorNotAHang() throws Exception {
        try (Connection held = db.connect()) {
            assertFalse(held.isClosed());
            SQLException e = assertThrows(SQLException.class, db::connect);
            assertTrue(e.getMessage().contains("timed out") || e.getMessage().contains("not available"), e.getMessage());
        }
        try (Connection again = db.connect()) {
            assertTrue(again.isValid(1), "free again once returned");
        }
    }

    @Test
    void sessionLocksLiveOnSessionsOfTheirOwnAndEndWithThem() throws Exception {
        int pooled;
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            pooled = backend(s);
        }
        int lockHolder;
        try (Database.SeriesLock lock = db.lockSeries("t.v"); Connection c = db.connect(); Statement s = c.createStatement()) {
            // the pool's one connection is free although the lock is held: the lock has a session of its own
            assertEquals(pooled, backend(s));
            try (ResultSet rs = s.executeQuery("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted")) {
                assertTrue(rs.next(), "the series lock is held");
                lockHolder = rs.getInt(1);
                assertFalse(rs.next());
            }
            assertNotEquals(pooled, lockHolder);
        }
        // released with its session, not kept in a pool (the backend ends just after the client's close returns)
        long patience = System.currentTimeMillis() + 30_000;
        while (advisoryLocks() > 0 && System.currentTimeMillis() < patience) {
            Thread.sleep(20);
        }
        assertEquals(0, advisoryLocks(), "released with its session, not kept in a pool");
        try (Connection own = db.session(); Statement s = own.createStatement()) {
            assertNotEquals(pooled, backend(s), "a session is never the pool's");
        }
    }

    private int advisoryLocks() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int backend(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
