package cn.egov.manager.policy.dist;

import cn.egov.manager.store.Database;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the manager signed and to whom it sent it: {@code policy_bundles} (one row per bundle,
 * with the envelope) and {@code policy_deliveries} (one row per unit a bundle was published to).
 * The history auditors read; the serial counter (never reused: it is the maximum ever recorded).
 */
public final class PolicyBundleStore {

    /** The policy part's schema steps (the one migration runner applies them, {@code schema_history_policy}). */
    public static final List<String> MIGRATIONS = List.of("""
            CREATE TABLE IF NOT EXISTS policy_bundles (
              serial BIGINT PRIMARY KEY, policy_name TEXT NOT NULL, policy_version TEXT NOT NULL, scope TEXT NOT NULL,
              issued_at BIGINT NOT NULL, issued_by TEXT NOT NULL, sha256 TEXT NOT NULL, envelope TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS policy_deliveries (
              serial BIGINT NOT NULL, unit TEXT NOT NULL, published_at BIGINT NOT NULL, PRIMARY KEY (serial, unit))""");

    private final Database database;

    public PolicyBundleStore(Database database) throws SQLException {
        this.database = database;
        database.migrate("policy", MIGRATIONS);
    }

    /** Held from {@link #nextSerial} to {@link #record}, so that two manager nodes never sign the same serial. */
    public Database.SeriesLock lockSerials() throws SQLException {
        return database.lockSeries("policy_bundles.serial");
    }

    /** The next serial: one more than the greatest recorded (1 for the first bundle). */
    public long nextSerial() throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT MAX(serial) FROM policy_bundles")) {
            return rs.next() ? rs.getLong(1) + 1 : 1;
        }
    }

    /** Records a bundle; a serial already recorded is refused (primary key). */
    public void record(IssuedBundle b) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO policy_bundles (serial, policy_name, policy_version, scope, issued_at, issued_by, sha256, envelope)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, b.serial());
            ps.setString(2, b.policyName());
            ps.setString(3, b.policyVersion());
            ps.setString(4, b.scope());
            ps.setLong(5, b.issuedAt());
            ps.setString(6, b.issuedBy());
            ps.setString(7, b.sha256());
            ps.setString(8, new String(b.envelope(), StandardCharsets.US_ASCII));
            ps.executeUpdate();
        }
    }

    /** Records that {@code serial} was published (retained) to {@code unit}. */
    public void delivered(long serial, String unit, long at) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO policy_deliveries (serial, unit, published_at) VALUES (?, ?, ?)")) {
            ps.setLong(1, serial);
            ps.setString(2, unit);
            ps.setLong(3, at);
            ps.executeUpdate();
        }
    }

    /** Bundles newest first, at most {@code limit}, each without its envelope but with the units it went to. */
    public List<Map<String, Object>> history(int limit) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT serial, policy_name, policy_version, scope, issued_at, issued_by, sha256 FROM policy_bundles"
                        + " ORDER BY serial DESC LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("serial", rs.getLong(1));
                    m.put("policyName", rs.getString(2));
                    m.put("policyVersion", rs.getString(3));
                    m.put("scope", rs.getString(4));
                    m.put("issuedAt", rs.getLong(5));
                    m.put("issuedBy", rs.getString(6));
                    m.put("sha256", rs.getString(7));
                    out.add(m);
                }
            }
            try (PreparedStatement units = c.prepareStatement("SELECT unit FROM policy_deliveries WHERE serial = ? ORDER BY unit")) {
                for (Map<String, Object> m : out) {
                    units.setLong(1, (Long) m.get("serial"));
                    List<String> us = new ArrayList<>();
                    try (ResultSet rs = units.executeQuery()) {
                        while (rs.next()) {
                            us.add(rs.getString(1));
                        }
                    }
                    m.put("units", us);
                }
            }
        }
        return out;
    }

    /** Per unit, the newest bundle published to it: serial, version, when. */
    public Map<String, Sent> lastSent() throws SQLException {
        Map<String, Sent> out = new LinkedHashMap<>();
        try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT d.unit, d.serial, b.policy_name, b.policy_version, d.published_at FROM policy_deliveries d"
                        + " JOIN policy_bundles b ON b.serial = d.serial ORDER BY d.serial")) {
            while (rs.next()) {
                out.put(rs.getString(1), new Sent(rs.getLong(2), rs.getString(3), rs.getString(4), rs.getLong(5)));
            }
        }
        return out;
    }

    /** The newest {@code limit} bundles with their envelopes, newest first (what a late joiner may need). */
    public List<IssuedBundle> newestFirst(int limit) throws SQLException {
        List<IssuedBundle> out = new ArrayList<>();
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT serial, policy_name, policy_version, scope, issued_at, issued_by, sha256, envelope FROM policy_bundles"
                        + " ORDER BY serial DESC LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new IssuedBundle(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                            rs.getString(6), rs.getString(7), rs.getString(8).getBytes(StandardCharsets.US_ASCII)));
                }
            }
        }
        return out;
    }

    /** The newest bundle published to {@code unit}, if any. */
    public Optional<Sent> lastSent(String unit) throws SQLException {
        return Optional.ofNullable(lastSent().get(unit));
    }

    /**
     * The newest bundle a unit was sent.
     *
     * @param serial  bundle serial
     * @param name    policy name
     * @param version policy version
     * @param sentAt  ms since the epoch
     */
    public record Sent(long serial, String name, String version, long sentAt) {
    }
}
