package cn.egov.manager.support;

import cn.egov.manager.store.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The stores every store test runs on: {@code @ParameterizedClass @EnumSource(StoreKind.class)} with a
 * {@code @Parameter StoreKind store} field runs the class once on SQLite (a file in the test's folder)
 * and once on PostgreSQL (a fresh database of the JVM's throwaway cluster, {@link PostgresServer}).
 */
public enum StoreKind {
    SQLITE {
        @Override
        public String url(Path dir) {
            return "jdbc:sqlite:" + dir.resolve("manager.db");
        }

        @Override
        public Database open(Path dir) throws Exception {
            return Database.open(url(dir));
        }

        @Override
        public void refuseWrites(Database db, String name, String event, String table) throws SQLException {
            sql(db, "CREATE TRIGGER " + name + " BEFORE " + event + " ON " + table
                    + " BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END");
        }

        @Override
        public void allowWrites(Database db, String name, String table) throws SQLException {
            sql(db, "DROP TRIGGER " + name);
        }
    },
    POSTGRESQL {
        @Override
        public String url(Path dir) throws Exception {
            return PostgresServer.shared().createDatabase();
        }

        @Override
        public Database open(Path dir) throws Exception {
            return PostgresServer.shared().newDatabase();
        }

        @Override
        public void refuseWrites(Database db, String name, String event, String table) throws SQLException {
            sql(db, "CREATE OR REPLACE FUNCTION refuse_write() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk full (test)'; END $$"
                    + " LANGUAGE plpgsql");
            sql(db, "CREATE TRIGGER " + name + " BEFORE " + event + " ON " + table + " FOR EACH ROW EXECUTE FUNCTION refuse_write()");
        }

        @Override
        public void allowWrites(Database db, String name, String table) throws SQLException {
            sql(db, "DROP TRIGGER " + name + " ON " + table);
        }
    };

    /** A new, empty store's JDBC URL (PostgreSQL: user {@link PostgresServer#USER}); nothing migrated yet. */
    public abstract String url(Path dir) throws Exception;

    /** Opens the store at a URL of {@link #url}, as the manager does ({@code db.url}, {@code db.user}, {@code db.password}). */
    public Database openUrl(String url) throws Exception {
        return this == SQLITE ? Database.open(url) : Database.open(url, PostgresServer.USER, PostgresServer.shared().password());
    }

    /** A new, empty store, opened and migrated as the manager opens its own. */
    public abstract Database open(Path dir) throws Exception;

    /** Makes every {@code event} (INSERT, UPDATE) on {@code table} fail, as a full disk would. */
    public abstract void refuseWrites(Database db, String name, String event, String table) throws SQLException;

    public abstract void allowWrites(Database db, String name, String table) throws SQLException;

    private static void sql(Database db, String statement) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
