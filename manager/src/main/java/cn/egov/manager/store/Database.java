package cn.egov.manager.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Opens the manager's store by JDBC URL (SQLite or PostgreSQL) and brings its schema up to date
 * through the one migration runner ({@link SchemaMigrations}, Flyway). SQLite (xerial) runs in WAL
 * mode; the SQL used elsewhere is portable, so PostgreSQL runs the same statements. Each caller gets
 * its own connection: SQLite serialises writers, WAL lets readers run beside them; PostgreSQL takes
 * concurrent writers, and unique indexes with {@code ON CONFLICT DO NOTHING} keep them from storing
 * one message twice.
 */
public final class Database implements AutoCloseable {

    /** The two stores the manager runs on. */
    public enum Kind { SQLITE, POSTGRESQL }

    private final String url;
    private final Kind kind;
    private final DataSource source;

    private Database(String url, Kind kind, DataSource source) {
        this.url = url;
        this.kind = kind;
        this.source = source;
    }

    /**
     * Opens (creating the folder of a SQLite file) and migrates the shell's tables.
     *
     * @throws SQLException a URL of neither store, an unreachable server, or a schema this manager cannot use
     */
    public static Database open(String url, String user, String password) throws SQLException {
        Database db;
        if (url.startsWith("jdbc:sqlite:")) {
            String file = url.substring("jdbc:sqlite:".length());
            if (!file.isEmpty() && !file.startsWith(":memory:") && !file.startsWith("file:")) {
                Path parent = Path.of(file).toAbsolutePath().getParent();
                try {
                    Files.createDirectories(parent);
                } catch (IOException e) {
                    throw new SQLException("cannot create folder " + parent + " for " + url, e);
                }
            }
            db = new Database(url, Kind.SQLITE, sqlite(url, SQLiteConfig.SynchronousMode.NORMAL));
        } else if (url.startsWith("jdbc:postgresql:")) {
            PGSimpleDataSource pg = new PGSimpleDataSource();
            pg.setURL(url);
            if (!user.isEmpty()) {
                pg.setUser(user);
                pg.setPassword(password);
            }
            db = new Database(url, Kind.POSTGRESQL, pg);
        } else {
            throw new SQLException("db.url '" + url + "' is neither jdbc:sqlite:FILE nor jdbc:postgresql://HOST[:PORT]/DATABASE");
        }
        SchemaMigrations.migrate(db.source, db.kind == Kind.SQLITE, SchemaMigrations.CORE_PART, SchemaMigrations.CORE);
        return db;
    }

    public static Database open(String url) throws SQLException {
        return open(url, "", "");
    }

    /**
     * Brings a part's tables up to date: its steps not yet applied run once each, in order, each in
     * its own transaction (recorded in {@code schema_history_<part>}). The one place parts' tables are made.
     *
     * @param part  the part's name
     * @param steps its schema steps (statements separated by {@code ;}); append, never edit a shipped one
     */
    public void migrate(String part, List<String> steps) throws SQLException {
        SchemaMigrations.migrate(source, kind == Kind.SQLITE, part, steps);
    }

    /**
     * The same for a SQLite database of a part's own (the CA's register {@code ca.db}), named by the
     * URL of a connection the part holds: recorded in that database's {@code schema_history_<part>}.
     */
    public static void migrate(Connection c, String part, List<String> steps) throws SQLException {
        String own = c.getMetaData().getURL();
        if (!own.startsWith("jdbc:sqlite:")) {
            throw new SQLException("a part's own database must be SQLite, not " + own);
        }
        SchemaMigrations.migrate(sqlite(own, SQLiteConfig.SynchronousMode.FULL), true, part, steps);
    }

    private static DataSource sqlite(String url, SQLiteConfig.SynchronousMode sync) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(sync);
        config.setBusyTimeout(10_000);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl(url);
        return ds;
    }

    /** A new connection, auto-commit on; the caller closes it. */
    public Connection connect() throws SQLException {
        return source.getConnection();
    }

    public Kind kind() {
        return kind;
    }

    /** Held while one node takes the next number of a series; {@link #close} lets the next node in. */
    public interface SeriesLock extends AutoCloseable {
        @Override
        void close() throws SQLException;
    }

    /** Class id of the series locks in PostgreSQL's two-key advisory lock space (the singletons use the one-key space). */
    private static final int SERIES_LOCK_CLASS = 0x65676f76; // "egov"
    private static final Map<String, ReentrantLock> SQLITE_SERIES = new ConcurrentHashMap<>();

    /**
     * Makes taking the next number of {@code series} (a serial or version that is the greatest
     * recorded plus one and is signed into what it numbers) and recording it one node's work at a
     * time: without it two manager nodes on one PostgreSQL could sign the same number and the second
     * would be refused by the primary key. PostgreSQL: a session advisory lock on a connection of its
     * own, released at close (or when the node dies). SQLite: one node by definition; a lock in this
     * process per database file and series (two stores opened on one file in one process share it).
     */
    public SeriesLock lockSeries(String series) throws SQLException {
        if (kind == Kind.SQLITE) {
            ReentrantLock held = SQLITE_SERIES.computeIfAbsent(url + " " + series, k -> new ReentrantLock());
            held.lock();
            return held::unlock;
        }
        Connection c = connect();
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(?, ?)")) {
            ps.setInt(1, SERIES_LOCK_CLASS);
            ps.setInt(2, series.hashCode()); // String.hashCode is specified, so every node computes the same key
            ps.execute();
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c::close; // ends the session, which releases its advisory locks
    }

    public String url() {
        return url;
    }

    @Override
    public void close() {
        // connections are per caller; nothing pooled to release
    }
}
