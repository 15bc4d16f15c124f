package cn.egov.manager.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.support.StoreKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The one migration runner (Flyway) on both stores: each part's steps applied once, in order, in
 * their own history; appended steps applied alone; an edited shipped step, a failing step and a
 * database newer than the code refused with one line naming the part, nothing half-applied; a
 * database of the runner before Flyway taken over where it stood; several nodes migrating at once
 * apply each step once.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class SchemaMigrationsTest {

    @Parameter
    StoreKind store;

    @TempDir
    Path dir;

    private static final String STEP1 = "CREATE TABLE things (id BIGINT PRIMARY KEY, name TEXT NOT NULL)";
    private static final String STEP2 = "ALTER TABLE things ADD COLUMN colour TEXT; CREATE INDEX things_colour ON things (colour)";

    @Test
    void aPartsStepsRunOnceInOrderAndAnAppendedStepAlone() throws Exception {
        String url = store.url(dir);
        Database db = store.openUrl(url);
        assertEquals(SchemaMigrations.CORE.size(), steps(db, "core"), "the shell's steps recorded");
        db.migrate("things", List.of(STEP1));
        sql(db, "INSERT INTO things (id, name) VALUES (1, 'a')");
        db.migrate("things", List.of(STEP1)); // again: nothing to do (a second CREATE TABLE would fail)
        db.migrate("things", List.of(STEP1, STEP2));
        sql(db, "UPDATE things SET colour = 'red' WHERE id = 1");
        assertEquals(1, count(db, "SELECT COUNT(*) FROM things WHERE colour = 'red'"), "the row survived step 2");
        assertEquals(2, steps(db, "things"));
        Database reopened = store.openUrl(url); // a restart: core and the part as they were
        reopened.migrate("things", List.of(STEP1, STEP2));
        assertEquals(2, steps(reopened, "things"));
    }

    /** Most parts have no tables: Flyway, run for them, warned "No migrations found" once per part on a first start. */
    @Test
    void aPartWithoutStepsIsNotGivenToFlywayAndGetsItsFirstStepLater() throws Exception {
        String url = store.url(dir);
        Database db = store.openUrl(url);
        db.migrate("empty", List.of());
        assertFalse(tableExists(db, "schema_history_empty"), "no history for a part without steps");
        Database later = store.openUrl(url); // a later version of the part has a table
        later.migrate("empty", List.of(STEP1));
        assertEquals(1, steps(later, "empty"));
        assertTrue(tableExists(later, "things"));
    }

    @Test
    void anEditedShippedStepIsRefusedNamingThePart() throws Exception {
        Database db = store.open(dir);
        db.migrate("things", List.of(STEP1));
        SQLException e = assertThrows(SQLException.class,
                () -> db.migrate("things", List.of(STEP1.replace("name TEXT", "label TEXT"), STEP2)));
        assertTrue(e.getMessage().startsWith("the things schema: "), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("checksum"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertFalse(hasColumn(db, "things", "colour"), "the step after it not applied either");
    }

    @Test
    void aFailingStepLeavesNothingHalfDone() throws Exception {
        Database db = store.open(dir);
        db.migrate("things", List.of(STEP1));
        String broken = "CREATE TABLE extra (id BIGINT); INSERT INTO no_such_table VALUES (1)";
        SQLException e = assertThrows(SQLException.class, () -> db.migrate("things", List.of(STEP1, broken)));
        assertTrue(e.getMessage().startsWith("the things schema: "), e.getMessage());
        assertFalse(tableExists(db, "extra"), "the step's first statement rolled back with it");
        db.migrate("things", List.of(STEP1, STEP2)); // the fixed step goes in
        assertTrue(hasColumn(db, "things", "colour"));
    }

    @Test
    void aDatabaseNewerThanTheCodeIsRefused() throws Exception {
        Database db = store.open(dir);
        db.migrate("things", List.of(STEP1, STEP2));
        SQLException e = assertThrows(SQLException.class, () -> db.migrate("things", List.of(STEP1)));
        assertEquals("the things schema of this database is at step 2, newer than this manager knows (1); refusing to touch it",
                e.getMessage());
    }

    @Test
    void aDatabaseOfTheRunnerBeforeFlywayIsTakenOverWhereItStood() throws Exception {
        String url = store.url(dir);
        Database db = store.openUrl(url);
        // what the old runner left: the shell's four steps in schema_version, a part's first step in part_schema
        sql(db, "DROP TABLE schema_history_core");
        sql(db, "CREATE TABLE schema_version (version INTEGER NOT NULL)");
        for (int v = 1; v <= SchemaMigrations.CORE.size(); v++) {
            sql(db, "INSERT INTO schema_version (version) VALUES (" + v + ")");
        }
        sql(db, STEP1);
        sql(db, "CREATE TABLE part_schema (part TEXT PRIMARY KEY, version INTEGER NOT NULL)");
        sql(db, "INSERT INTO part_schema (part, version) VALUES ('things', 1)");
        sql(db, "INSERT INTO boxes (client_id, status, status_since, last_seen) VALUES ('130602-001', 'CONNECTED', 1, 1)");

        Database upgraded = store.openUrl(url); // CREATE TABLE boxes again would fail: the steps are not re-run
        upgraded.migrate("things", List.of(STEP1, STEP2));
        assertTrue(hasColumn(upgraded, "things", "colour"), "the new step applied");
        assertEquals(1, count(upgraded, "SELECT COUNT(*) FROM boxes"), "the fleet kept");
    }

    @Test
    void nodesMigratingAtOnceApplyEachStepOnce() throws Exception {
        String url = store.url(dir);
        int nodes = 4;
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            List<Future<Database>> started = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                Callable<Database> node = () -> {
                    Database db = store.openUrl(url);
                    db.migrate("things", List.of(STEP1, STEP2));
                    return db;
                };
                started.add(pool.submit(node));
            }
            for (Future<Database> f : started) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        Database db = store.openUrl(url);
        assertEquals(2, steps(db, "things"));
        assertEquals(SchemaMigrations.CORE.size(), steps(db, "core"));
    }

    private static void sql(Database db, String statement) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static long count(Database db, String query) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Steps the part's Flyway history records as applied (not its baseline). */
    private static long steps(Database db, String part) throws SQLException {
        return count(db, "SELECT COUNT(*) FROM schema_history_" + part + " WHERE type = 'JDBC'");
    }

    private static boolean tableExists(Database db, String table) throws SQLException {
        try (Connection c = db.connect(); ResultSet rs = c.getMetaData().getTables(null, null, table, null)) {
            return rs.next();
        }
    }

    private static boolean hasColumn(Database db, String table, String column) throws SQLException {
        try (Connection c = db.connect(); ResultSet rs = c.getMetaData().getColumns(null, null, table, column)) {
            return rs.next();
        }
    }
}
