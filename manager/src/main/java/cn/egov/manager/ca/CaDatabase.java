package cn.egov.manager.ca;

import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The CA's register in SQLite ({@code ca.db}): issued certificates, revocations, enrolment
 * tokens (hashed) and the CRL number. Every change runs in one transaction through
 * {@link #inTransaction}: a refused request rolls back and leaves the register as it was.
 * One connection, used under this object's lock (the CA is not a throughput path).
 */
final class CaDatabase implements AutoCloseable {

    static final String FILE = "ca.db";

    private final Connection db;

    /** Work done inside one transaction. */
    interface Work<T, E extends Exception> {
        T run(CaDatabase tx) throws E, SQLException;
    }

    private CaDatabase(Connection db) {
        this.db = db;
    }

    static CaDatabase open(Path dir) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(FILE));
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=FULL");
            s.execute("PRAGMA foreign_keys=ON");
            s.execute("""
                    CREATE TABLE IF NOT EXISTS certificate(
                      serial TEXT PRIMARY KEY, profile TEXT NOT NULL, unit TEXT, domain TEXT,
                      subject TEXT NOT NULL, not_before INTEGER NOT NULL, not_after INTEGER NOT NULL,
                      issued_at INTEGER NOT NULL, revoked_at INTEGER, reason INTEGER, der BLOB NOT NULL)""");
            s.execute("CREATE INDEX IF NOT EXISTS certificate_unit ON certificate(unit)");
            s.execute("""
                    CREATE TABLE IF NOT EXISTS token(
                      hash TEXT PRIMARY KEY, unit TEXT NOT NULL, domain TEXT, created_at INTEGER NOT NULL,
                      expires_at INTEGER NOT NULL, used_at INTEGER, used_by_serial TEXT)""");
            s.execute("CREATE TABLE IF NOT EXISTS crl_number(id INTEGER PRIMARY KEY CHECK (id = 1), next INTEGER NOT NULL)");
            s.execute("INSERT OR IGNORE INTO crl_number(id, next) VALUES (1, 1)");
        }
        c.setAutoCommit(false);
        c.commit();
        return new CaDatabase(c);
    }

    synchronized <T, E extends Exception> T inTransaction(Work<T, E> work) throws E, SQLException {
        try {
            T result = work.run(this);
            db.commit();
            return result;
        } catch (Exception | Error e) {
            db.rollback();
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
            return p.executeUpdate() == 1;
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

    BigInteger nextCrlNumber() throws SQLException {
        long n;
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT next FROM crl_number WHERE id = 1")) {
            r.next();
            n = r.getLong(1);
        }
        try (Statement s = db.createStatement()) {
            s.executeUpdate("UPDATE crl_number SET next = next + 1 WHERE id = 1");
        }
        return BigInteger.valueOf(n);
    }

    /** A stable text dump of every table, for tests that prove a refused request changed nothing. */
    synchronized String dump() throws SQLException {
        StringBuilder sb = new StringBuilder();
        for (String q : List.of("SELECT serial, profile, unit, domain, subject, not_before, not_after, issued_at, revoked_at, reason, hex(der) FROM certificate ORDER BY serial",
                "SELECT * FROM token ORDER BY hash", "SELECT * FROM crl_number")) {
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
        db.commit();
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
