package cn.egov.manager.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Opens the manager's store by JDBC URL and brings its schema up to date. SQLite (xerial) runs in
 * WAL mode; the SQL used elsewhere stays portable (PostgreSQL accepts it too). Each caller gets
 * its own connection: SQLite serialises writers, WAL lets readers run beside them.
 */
public final class Database implements AutoCloseable {

    private final String url;
    private final String user;
    private final String password;
    private final boolean sqlite;

    private Database(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.sqlite = url.startsWith("jdbc:sqlite:");
    }

    /** Opens (creating the folder of a SQLite file) and migrates. */
    public static Database open(String url, String user, String password) throws SQLException {
        Database db = new Database(url, user, password);
        if (db.sqlite) {
            String file = url.substring("jdbc:sqlite:".length());
            if (!file.isEmpty() && !file.startsWith(":memory:") && !file.startsWith("file:")) {
                Path parent = Path.of(file).toAbsolutePath().getParent();
                try {
                    Files.createDirectories(parent);
                } catch (IOException e) {
                    throw new SQLException("cannot create folder " + parent + " for " + url, e);
                }
            }
        }
        try (Connection c = db.connect()) {
            SchemaMigrations.migrate(c);
        }
        return db;
    }

    /**
     * Brings a part's tables up to date: its steps not yet applied run once each, in order, each in
     * its own transaction ({@code part_schema} records how far). The one place parts' tables are made.
     *
     * @param part  the part's name
     * @param steps its schema steps (statements separated by {@code ;}); append, never edit a shipped one
     */
    public void migrate(String part, java.util.List<String> steps) throws SQLException {
        try (Connection c = connect()) {
            SchemaMigrations.migratePart(c, part, steps);
        }
    }

    /**
     * The same for a database of a part's own (the CA's register {@code ca.db}), on a connection the
     * part holds: steps not yet applied run once each, recorded in that database's {@code part_schema}.
     */
    public static void migrate(Connection c, String part, java.util.List<String> steps) throws SQLException {
        SchemaMigrations.migratePart(c, part, steps);
    }

    public static Database open(String url) throws SQLException {
        return open(url, "", "");
    }

    /** A new connection, auto-commit on; the caller closes it. */
    public Connection connect() throws SQLException {
        Connection c = user.isEmpty() ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, password);
        if (sqlite) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA busy_timeout=10000");
            }
        }
        return c;
    }

    public String url() {
        return url;
    }

    @Override
    public void close() {
        // connections are per caller; nothing pooled to release
    }
}
