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
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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
 *
 * <p>PostgreSQL's connections come from a pool (HikariCP, bounded by {@link Pool}): a new one costs
 * a SCRAM login on both sides and a server process, and in the storm the health graphs' writer
 * opened one per batch. A connection goes back to the pool clean: rolled back when its transaction
 * was left open, auto-commit, isolation and read-only as they were. What belongs to the session
 * (advisory locks, its application name) would outlive the caller in a pool, so it is held on a
 * connection of its own ({@link #session()}), never pooled: closing it ends the session and frees
 * its locks. SQLite opens a file, nothing to pool.
 */
public final class Database implements AutoCloseable {

    /** The two stores the manager runs on. */
    public enum Kind { SQLITE, POSTGRESQL }

    /**
     * Bounds of PostgreSQL's connection pool ({@code db.pool-size}, {@code db.pool-timeout-ms},
     * {@code db.pool-idle-ms}).
     *
     * @param size      most connections open at once (the ingest writer keeps one)
     * @param timeoutMs longest wait for a free connection before the caller gets an SQLException
     * @param idleMs    an unused connection is closed after this long (none is kept open when idle)
     */
    public record Pool(int size, long timeoutMs, long idleMs) {
        /** HikariCP's own floors: a shorter wait or idle time it would replace silently. */
        public static final long MIN_TIMEOUT_MS = 250;
        public static final long MIN_IDLE_MS = 10_000;

        public Pool {
            if (size < 1 || timeoutMs < MIN_TIMEOUT_MS || idleMs < MIN_IDLE_MS) {
                throw new IllegalArgumentException("pool of " + size + " connections, wait " + timeoutMs + " ms, idle " + idleMs
                        + " ms: needs at least 1 connection, " + MIN_TIMEOUT_MS + " ms and " + MIN_IDLE_MS + " ms");
            }
        }
    }

    private final String url;
    private final Kind kind;
    /** Unpooled: migrations and {@link #session()}. */
    private final DataSource source;
    /** What {@link #connect()} hands out: the pool for PostgreSQL, {@link #source} for SQLite. */
    private final DataSource connections;

    private Database(String url, Kind kind, DataSource source, DataSource connections) {
        this.url = url;
        this.kind = kind;
        this.source = source;
        this.connections = connections;
    }

    /**
     * Opens (creating the folder of a SQLite file) and migrates the shell's tables.
     *
     * @param pool PostgreSQL's connection pool (unused for SQLite)
     * @throws SQLException a URL of neither store, an unreachable server, or a schema this manager cannot use
     */
    public static Database open(String url, String user, String password, Pool pool) throws SQLException {
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
            DataSource sqlite = sqlite(url, SQLiteConfig.SynchronousMode.NORMAL);
            db = new Database(url, Kind.SQLITE, sqlite, sqlite);
        } else if (url.startsWith("jdbc:postgresql:")) {
            PGSimpleDataSource pg = new PGSimpleDataSource();
            pg.setURL(url);
            if (!user.isEmpty()) {
                pg.setUser(user);
                pg.setPassword(password);
            }
            SchemaMigrations.migrate(pg, false, SchemaMigrations.CORE_PART, SchemaMigrations.CORE); // before the pool: a refused schema leaves none
            return new Database(url, Kind.POSTGRESQL, pg, pool(pg, pool));
        } else {
            throw new SQLException("db.url '" + url + "' is neither jdbc:sqlite:FILE nor jdbc:postgresql://HOST[:PORT]/DATABASE");
        }
        SchemaMigrations.migrate(db.source, db.kind == Kind.SQLITE, SchemaMigrations.CORE_PART, SchemaMigrations.CORE);
        return db;
    }

    /** Opens with the default pool (a command's few queries). */
    public static Database open(String url, String user, String password) throws SQLException {
        return open(url, user, password, DEFAULT_POOL);
    }

    public static Database open(String url) throws SQLException {
        return open(url, "", "");
    }

    /**
     * The pool of a command or test that passes none, and the defaults of {@code db.pool-*} in the
     * configuration schema: ten connections (the writer's, the graphs', the fleet's and a few web
     * requests at once), half a minute's wait, closed after a minute unused.
     */
    public static final Pool DEFAULT_POOL = new Pool(10, 30_000, 60_000);

    /**
     * HikariCP over the unpooled source. No connection is opened here (the migration just checked
     * the server) and none is kept while unused: a command that makes one query holds one connection.
     */
    private static DataSource pool(DataSource pg, Pool pool) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(pg);
        config.setPoolName("egov-db");
        config.setMaximumPoolSize(pool.size());
        config.setMinimumIdle(0);
        config.setConnectionTimeout(pool.timeoutMs());
        config.setIdleTimeout(pool.idleMs());
        config.setInitializationFailTimeout(-1);
        config.setAutoCommit(true);
        return new HikariDataSource(config);
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

    /**
     * A connection, auto-commit on; the caller closes it. PostgreSQL: from the pool, to which closing
     * returns it (rolled back if a transaction was left open); nothing of the session may outlive the
     * caller: use {@link #session()} for advisory locks and other session state.
     */
    public Connection connect() throws SQLException {
        return connections.getConnection();
    }

    /**
     * A connection of its own, never pooled: closing it ends the database session, and with it the
     * session's advisory locks (the singletons' leadership, {@link #lockSeries}). The caller closes it.
     */
    public Connection session() throws SQLException {
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
        Connection c = session();
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

    /** Closes PostgreSQL's pool (and the pooled connections, once their callers closed them). */
    @Override
    public void close() {
        if (connections instanceof HikariDataSource pool) {
            pool.close();
        }
    }
}
