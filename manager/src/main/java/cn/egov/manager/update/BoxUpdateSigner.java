package cn.egov.manager.update;

import cn.egov.api.policy.PolicyScope;
import cn.egov.api.policy.PolicySigning;
import cn.egov.api.policy.SignedPolicyBundle;
import cn.egov.api.update.BoxUpdate;
import cn.egov.api.update.UpdateManifest;
import cn.egov.manager.policy.dist.PolicySigningKey;
import cn.egov.manager.store.Database;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;

/**
 * Signs box updates with the manager's signing key (the policy-signing certificate the provincial CA
 * issues the manager: boxes already trust it for what the manager distributes) and records each in
 * {@code box_updates}: serial (one more than the greatest ever issued: a box takes only a greater
 * one), version, scope, when, the package's SHA-256.
 */
public final class BoxUpdateSigner {

    /** The part's schema steps ({@link Database#migrate}); append, never edit. */
    public static final List<String> MIGRATIONS = List.of("""
            CREATE TABLE IF NOT EXISTS box_updates (
              serial INTEGER PRIMARY KEY,
              version TEXT NOT NULL,
              scope TEXT NOT NULL,
              issued_at TEXT NOT NULL,
              sha256 TEXT NOT NULL,
              size INTEGER NOT NULL)""",
            // step 2: pushes over MQTT, one row per request (box and update), its state as the box reports it
            """
            CREATE TABLE IF NOT EXISTS box_update_pushes (
              request_id TEXT PRIMARY KEY,
              serial INTEGER NOT NULL,
              unit TEXT NOT NULL,
              state TEXT NOT NULL,
              message TEXT NOT NULL,
              requested_by TEXT NOT NULL,
              requested_at TEXT NOT NULL,
              updated_at TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS box_update_pushes_unit ON box_update_pushes (unit, serial)""");

    private final Database db;
    private final PolicySigningKey key;
    private final Clock clock;

    public BoxUpdateSigner(Database db, PolicySigningKey key, Clock clock) throws SQLException {
        this.db = db;
        this.key = key;
        this.clock = clock;
        db.migrate("update", MIGRATIONS);
    }

    /** Signs {@code deb} (the egov-box package at {@code version}) for {@code scope}; the update's bytes. */
    public synchronized Signed sign(byte[] deb, String version, PolicyScope scope) throws SQLException, GeneralSecurityException {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(deb));
        try (Database.SeriesLock serials = db.lockSeries("box_updates.serial"); Connection c = db.connect()) {
            c.setAutoCommit(false);
            long serial;
            try (PreparedStatement q = c.prepareStatement("SELECT COALESCE(MAX(serial), 0) + 1 FROM box_updates");
                 ResultSet rs = q.executeQuery()) {
                rs.next();
                serial = rs.getLong(1);
            }
            UpdateManifest m = new UpdateManifest(UpdateManifest.PACKAGE, version, serial, clock.instant(), scope, sha, deb.length);
            byte[] bytes = m.toBytes();
            Signature s = Signature.getInstance(PolicySigning.SIGNATURE_ALGORITHM);
            s.initSign(key.key());
            s.update(bytes);
            SignedPolicyBundle envelope = new SignedPolicyBundle(bytes, s.sign(), key.chain());
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO box_updates (serial, version, scope, issued_at, sha256, size) VALUES (?, ?, ?, ?, ?, ?)")) {
                ins.setLong(1, serial);
                ins.setString(2, version);
                ins.setString(3, scope.toString());
                ins.setString(4, m.issuedAt().toString());
                ins.setString(5, sha);
                ins.setLong(6, deb.length);
                ins.executeUpdate();
            }
            c.commit();
            return new Signed(m, new BoxUpdate(envelope, deb).toBytes());
        }
    }

    /** The update {@code serial} as signed, or empty. */
    public java.util.Optional<Issued> issued(long serial) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement q = c.prepareStatement("SELECT version, scope FROM box_updates WHERE serial = ?")) {
            q.setLong(1, serial);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? java.util.Optional.of(new Issued(serial, rs.getString(1), PolicyScope.parse(rs.getString(2))))
                        : java.util.Optional.empty();
            }
        }
    }

    /** An update the manager signed: serial, version, the scope it is signed for. */
    public record Issued(long serial, String version, PolicyScope scope) {
    }

    /** @param manifest what was signed; @param update the update's bytes (file or MQTT body) */
    public record Signed(UpdateManifest manifest, byte[] update) {
    }
}
