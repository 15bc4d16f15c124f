package cn.egov.console.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.JDBC;
import org.sqlite.SQLiteConfig;

/**
 * The console's small store on the box: accounts, API tokens and the audit log, in one SQLite
 * file ({@code <data>/console/console.db}, mode 0600: it holds password hashes). The running box
 * and {@code appliance account} open the same file; SQLite's locking (WAL, busy timeout) lets
 * them take turns.
 */
public final class ConsoleDatabase implements AutoCloseable {
    /** Where the store lives under the box's data directory. */
    public static Path file(Path dataDir) {
        return dataDir.resolve("console").resolve("console.db");
    }

    private final Path path;
    private final Connection connection;

    private ConsoleDatabase(Path path, Connection connection) {
        this.path = path;
        this.connection = connection;
    }

    public static ConsoleDatabase open(Path file) throws StoreException {
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            config.setBusyTimeout(5_000);
            config.enforceForeignKeys(true);
            // Direct driver call: DriverManager does not see other bundles' drivers under OSGi.
            Connection c = JDBC.createConnection(JDBC.PREFIX + file.toAbsolutePath(), config.toProperties());
            try (Statement s = c.createStatement()) {
                s.executeUpdate("CREATE TABLE IF NOT EXISTS account (name TEXT PRIMARY KEY, password TEXT NOT NULL, "
                        + "roles TEXT NOT NULL, unit TEXT NOT NULL, created INTEGER NOT NULL, changed INTEGER NOT NULL)");
                s.executeUpdate("CREATE TABLE IF NOT EXISTS api_token (name TEXT PRIMARY KEY "
                        + "REFERENCES account(name) ON DELETE CASCADE, hash TEXT NOT NULL UNIQUE, created INTEGER NOT NULL)");
                s.executeUpdate("CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, "
                        + "who TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, outcome TEXT NOT NULL, source TEXT NOT NULL)");
                s.executeUpdate("CREATE INDEX IF NOT EXISTS audit_at ON audit (at)");
            }
            return new ConsoleDatabase(file, c);
        } catch (SQLException | IOException e) {
            throw new StoreException("cannot open the console store " + file + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    /** The one connection; callers synchronise on this object around its use. */
    Connection connection() {
        return connection;
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing: nothing left to do with it
        }
    }
}
