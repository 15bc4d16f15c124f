package cn.egov.manager.ca;

import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import cn.egov.manager.store.Database;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The CA's register in SQLite ({@code ca.db}): issued certificates, revocations, enrolment
 * tokens (hashed), the CRL number and a revocation counter. Every change runs in one transaction
 * through {@link #inTransaction}: a refused request rolls back and leaves the register as it was.
 * One connection, used under this object's lock (the CA is not a throughput path).
 *
 * <p>Several processes share the register: the serving manager and operator commands such as
 * {@code manager ca revoke}. Writing transactions therefore start with {@code BEGIN IMMEDIATE}:
 * a deferred transaction that reads and then writes fails at once (SQLITE_BUSY_SNAPSHOT, no
 * retry) when another process committed in between, while an immediate one waits for the write
 * lock up to the busy timeout. Read-only work ({@link #read}) takes no write lock, so OCSP answers
 * never wait for a publication.
 */
final class CaDatabase implements AutoCloseable {

    static final String FILE = "ca.db";

    /**
     * How long a transaction waits for another process's write lock. CA transactions hold it for
     * milliseconds; a publication that runs a reload command does so outside any transaction.
     */
    private static final int BUSY_TIMEOUT_MS = 10_000;

    private final Connection db;

    /** Work done inside one transaction. */
    interface Work<T, E extends Exception> {
        T run(CaDatabase tx) throws E, SQLException;
    }

    private CaDatabase(Connection db) {
        this.db = db;
    }

    /**
     * The register's schema steps (in {@code ca.db}, not the manager's database: the CA's register
     * moves with its keys). Append steps; never edit one that has shipped.
     */
    static final List<String> MIGRATIONS = List.of("""
            CREATE TABLE IF NOT EXISTS certificate(
              serial TEXT PRIMARY KEY, profile TEXT NOT NULL, unit TEXT, domain TEXT,
              subject TEXT NOT NULL, not_before INTEGER NOT NULL, not_after INTEGER NOT NULL,
              issued_at INTEGER NOT NULL, revoked_at INTEGER, reason INTEGER, der BLOB NOT NULL);
            CREATE INDEX IF NOT EXISTS certificate_unit ON certificate(unit);
            CREATE TABLE IF NOT EXISTS token(
              hash TEXT PRIMARY KEY, unit TEXT NOT NULL, domain TEXT, created_at INTEGER NOT NULL,
              expires_at INTEGER NOT NULL, used_at INTEGER, used_by_serial TEXT);
            CREATE TABLE IF NOT EXISTS crl_number(id INTEGER PRIMARY KEY CHECK (id = 1), next INTEGER NOT NULL);
            INSERT OR IGNORE INTO crl_number(id, next) VALUES (1, 1);
            CREATE TABLE IF NOT EXISTS revocations(id INTEGER PRIMARY KEY CHECK (id = 1), count INTEGER NOT NULL);
            INSERT OR IGNORE INTO revocations(id, count) SELECT 1, count(*) FROM certificate WHERE revoked_at IS NOT NULL""");

    static CaDatabase open(Path dir) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(FILE));
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MS);
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=FULL");
            s.execute("PRAGMA foreign_keys=ON");
        }
        // the register's tables, made by the store's one migration runner (recorded in ca.db's schema_history_ca)
        Database.migrate(c, "ca", MIGRATIONS);
        // auto-commit stays on: transactions are opened explicitly (BEGIN IMMEDIATE or BEGIN)
        return new CaDatabase(c);
    }

    /** Runs work that may write, holding the register's write lock from the start. */
    synchronized <T, E extends Exception> T inTransaction(Work<T, E> work) throws E, SQLException {
        return run("BEGIN IMMEDIATE", work);
    }

    /** Runs read-only work in one consistent snapshot, without the write lock. */
    synchronized <T, E extends Exception> T read(Work<T, E> work) throws E, SQLException {
        return run("BEGIN", work);
    }

    private <T, E extends Exception> T run(String begin, Work<T, E> work) throws E, SQLException {
        try (Statement s = db.createStatement()) {
            s.execute(begin);
        }
        try {
            T result = work.run(this);
            try (Statement s = db.createStatement()) {
                s.execute("COMMIT");
            }
            return result;
        } catch (Exception | Error e) {
            try (Statement s = db.createStatement()) {
                s.execute("ROLLBACK");
            }
            throw e;
        }
    }

    void insertCertificate(IssuedCertificate c) throws SQLException {
        try (PreparedStatement p = db.prepareStatement(
                "INSERT INTO certificate(serial, profile, unit, domain, subject, not_before, not_after, issued_at, der) VALUES (?,?,?,?,?,?,?,?,?)")) {
            p.setString(1, hex(c.serial()));
            p.setString(2, c.profile().name());
            p.setString(3, c.unit());
            p.setString(4, c.domain());
            p.setString(5, c.subject());
            p.setLong(6, c.notBefore().toEpochMilli());
            p.setLong(7, c.notAfter().toEpochMilli());
            p.setLong(8, System.currentTimeMillis());
            p.setBytes(9, c.der());
            p.executeUpdate();
        }
    }

    Optional<IssuedCertificate> certificate(BigInteger serial) throws SQLException {
        try (PreparedStatement p = db.prepareStatement(SELECT + " WHERE serial = ?")) {
            p.setString(1, hex(serial));
            List<IssuedCertificate> rows = rows(p);
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
        }
    }

    List<IssuedCertificate> certificatesOf(String unit) throws SQLException {
        try (PreparedStatement p = db.prepareStatement(SELECT + " WHERE unit = ? ORDER BY issued_at, serial")) {
            p.setString(1, unit);
            return rows(p);
        }
    }

    List<IssuedCertificate> certificates() throws SQLException {
        try (PreparedStatement p = db.prepareStatement(SELECT + " ORDER BY issued_at, serial")) {
            return rows(p);
        }
    }

    List<IssuedCertificate> revoked() throws SQLException {
        try (PreparedStatement p = db.prepareStatement(SELECT + " WHERE revoked_at IS NOT NULL ORDER BY revoked_at")) {
            return rows(p);
        }
    }

    /** @return false when the serial is unknown or already revoked */
    boolean revoke(BigInteger serial, RevocationReason reason, Instant at) throws SQLException {
        try (PreparedStatement p = db.prepareStatement(
                "UPDATE certificate SET revoked_at = ?, reason = ? WHERE serial = ? AND revoked_at IS NULL")) {
            p.setLong(1, at.toEpochMilli());
            p.setInt(2, reason.code());
            p.setString(3, hex(serial));
            if (p.executeUpdate() != 1) {
                return false;
            }
        }
        try (Statement s = db.createStatement()) {
            s.executeUpdate("UPDATE revocations SET count = count + 1 WHERE id = 1");
        }
        return true;
    }

    /** How many revocations the register holds: grows with each one, whichever process made it. */
    long revocationCount() throws SQLException {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT count FROM revocations WHERE id = 1")) {
            r.next();
            return r.getLong(1);
        }
    }

    void insertToken(String hash, String unit, String domain, Instant created, Instant expires) throws SQLException {
        try (PreparedStatement p = db.prepareStatement(
                "INSERT INTO token(hash, unit, domain, created_at, expires_at) VALUES (?,?,?,?,?)")) {
            p.setString(1, hash);
            p.setString(2, unit);
            p.setString(3, domain);
            p.setLong(4, created.toEpochMilli());
            p.setLong(5, expires.toEpochMilli());
            p.executeUpdate();
        }
    }

    /** A stored token, looked up by the hash of what the client presented. */
    record TokenRow(String hash, String unit, String domain, Instant expiresAt, Instant usedAt) {
    }

    Optional<TokenRow> token(String hash) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("SELECT hash, unit, domain, expires_at, used_at FROM token WHERE hash = ?")) {
            p.setString(1, hash);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                long used = r.getLong(5);
                Instant usedAt = r.wasNull() ? null : Instant.ofEpochMilli(used);
                return Optional.of(new TokenRow(r.getString(1), r.getString(2), r.getString(3),
                        Instant.ofEpochMilli(r.getLong(4)), usedAt));
            }
        }
    }

    /** Marks a token used; false when another request used it first. */
    boolean useToken(String hash, Instant at, BigInteger serial) throws SQLException {
        try (PreparedStatement p = db.prepareStatement(
                "UPDATE token SET used_at = ?, used_by_serial = ? WHERE hash = ? AND used_at IS NULL")) {
            p.setLong(1, at.toEpochMilli());
            p.setString(2, hex(serial));
            p.setString(3, hash);
            return p.executeUpdate() == 1;
        }
    }

    /** Takes the next CRL number (monotonic across every process that publishes). */
    BigInteger nextCrlNumber() throws SQLException {
        try (Statement s = db.createStatement()) {
            s.executeUpdate("UPDATE crl_number SET next = next + 1 WHERE id = 1");
        }
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT next - 1 FROM crl_number WHERE id = 1")) {
            r.next();
            return BigInteger.valueOf(r.getLong(1));
        }
    }

    /**
     * A stable text dump of every table a request can change, for tests that prove a refused request
     * changed nothing. Not {@code crl_number}: a serving CA publishes on its own schedule.
     */
    synchronized String dump() throws SQLException {
        StringBuilder sb = new StringBuilder();
        for (String q : List.of("SELECT serial, profile, unit, domain, subject, not_before, not_after, issued_at, revoked_at, reason, hex(der) FROM certificate ORDER BY serial",
                "SELECT * FROM token ORDER BY hash", "SELECT * FROM revocations")) {
            try (Statement s = db.createStatement(); ResultSet r = s.executeQuery(q)) {
                int cols = r.getMetaData().getColumnCount();
                while (r.next()) {
                    for (int i = 1; i <= cols; i++) {
                        sb.append(r.getString(i)).append('|');
                    }
                    sb.append('\n');
                }
            }
        }
        return sb.toString();
    }

    private static final String SELECT =
            "SELECT serial, profile, unit, domain, subject, not_before, not_after, revoked_at, reason, der FROM certificate";

    private static List<IssuedCertificate> rows(PreparedStatement p) throws SQLException {
        List<IssuedCertificate> out = new ArrayList<>();
        try (ResultSet r = p.executeQuery()) {
            while (r.next()) {
                long revoked = r.getLong(8);
                boolean notRevoked = r.wasNull();
                int reason = r.getInt(9);
                out.add(new IssuedCertificate(new BigInteger(r.getString(1), 16), CertificateProfile.valueOf(r.getString(2)),
                        r.getString(3), r.getString(4), r.getString(5), Instant.ofEpochMilli(r.getLong(6)),
                        Instant.ofEpochMilli(r.getLong(7)), notRevoked ? null : Instant.ofEpochMilli(revoked),
                        notRevoked ? null : RevocationReason.fromCode(reason), r.getBytes(10)));
            }
        }
        return out;
    }

    static String hex(BigInteger serial) {
        return serial.toString(16).toUpperCase(java.util.Locale.ROOT);
    }

    @Override
    public synchronized void close() throws SQLException {
        db.close();
    }
}
