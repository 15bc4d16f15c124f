package cn.egov.manager.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.duty.DutyPart;
import cn.egov.manager.part.ManagerPart;
import cn.egov.manager.support.PostgresServer;
import cn.egov.manager.support.StoreKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteDataSource;

/**
 * The duty office's tables moved from the shell's core step 4 to the duty part's own step 1. A
 * database made before the move (core step 4 ran: the tables exist, with rows; no duty history)
 * opens, migrates every part as the manager's start does, and keeps its rows; a new database gets
 * the tables from the duty part only, and records core step 4 as applied.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class DutyTablesMovedTest {

    @Parameter
    StoreKind kind;

    @TempDir
    Path dir;

    private String url() throws Exception {
        return kind.url(dir);
    }

    private DataSource source(String url) throws Exception {
        if (kind == StoreKind.SQLITE) {
            SQLiteDataSource ds = new SQLiteDataSource();
            ds.setUrl(url);
            return ds;
        }
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL(url);
        pg.setUser(PostgresServer.USER);
        pg.setPassword(PostgresServer.shared().password());
        return pg;
    }

    private Database open(String url) throws Exception {
        return kind == StoreKind.SQLITE ? Database.open(url) : Database.open(url, PostgresServer.USER, PostgresServer.shared().password());
    }

    /** Every part's steps, as the manager's start applies them. */
    private static void migrateParts(Database db) throws SQLException {
        List<ManagerPart> parts = List.of(new DutyPart());
        for (ManagerPart p : parts) {
            db.migrate(p.name(), p.migrations());
        }
    }

    private static boolean tableExists(Database db, String table) throws SQLException {
        try (Connection c = db.connect(); ResultSet rs = c.getMetaData().getTables(null, null, table, new String[] {"TABLE"})) {
            return rs.next();
        }
    }

    private static long count(Database db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aDatabaseMadeBeforeTheMoveStartsAndKeepsItsReports() throws Exception {
        String url = url();
        // the shell's steps as main ran them: step 4 made the duty tables
        SchemaMigrations.migrate(source(url), kind == StoreKind.SQLITE, SchemaMigrations.CORE_PART, SchemaMigrations.CORE, Set.of());
        try (Connection c = source(url).getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO duty_rosters (unit, version, published_at, received_at, payload) VALUES ('130602-001', 3, 1, 2, 'x')");
            assertFalse(exists(c, "schema_history_duty"));
        }

        Database db = open(url); // this manager's core steps: step 4 applied already, its checksum unchanged
        migrateParts(db);
        assertEquals(1, count(db, "SELECT COUNT(*) FROM duty_rosters"), "the roster stored before the move");
        assertEquals(1, count(db, "SELECT COUNT(*) FROM schema_history_duty WHERE version = '1' AND success = "
                + (kind == StoreKind.SQLITE ? "1" : "true")), "the duty part's step 1 recorded (its tables were there)");
        assertEquals(3, count(db, "SELECT version FROM duty_rosters WHERE unit = '130602-001'"));
        migrateParts(open(url)); // and again: nothing left to do
    }

    @Test
    void aNewDatabaseGetsTheDutyTablesFromTheDutyPartOnly() throws Exception {
        Database db = open(url());
        assertFalse(tableExists(db, "duty_reports"), "core step 4 runs nothing now");
        assertEquals(1, count(db, "SELECT COUNT(*) FROM schema_history_core WHERE version = '4'"), "but counts as applied");
        migrateParts(db);
        for (String t : List.of("duty_reports", "duty_refusals", "duty_rosters")) {
            assertTrue(tableExists(db, t), t);
        }
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO duty_rosters (unit, version, published_at, received_at, payload) VALUES ('130602-001', 1, 1, 2, 'x')");
        }
        assertEquals(1, count(db, "SELECT COUNT(*) FROM duty_rosters"));
    }

    private static boolean exists(Connection c, String table) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(null, null, table, new String[] {"TABLE"})) {
            return rs.next();
        }
    }
}
