package cn.egov.manager.portal;

import cn.egov.api.policy.PolicyScope;
import cn.egov.api.portal.SiteFile;
import cn.egov.manager.store.Database;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The portal part's tables (plain SQL: SQLite and PostgreSQL):
 * <ul>
 *   <li>{@code portal_sites}: the website tree as registered (site, owner, mirrors, frame-ancestors);</li>
 *   <li>{@code portal_snapshots}: every signed version kept, with its envelope;
 *       {@code portal_files}: which content each kept version lists (what a box may fetch);</li>
 *   <li>{@code portal_probes}: per unit and site the last inspection probe the box reported;
 *       {@code portal_mirrors}: per unit and site the version in force and the last outcome;</li>
 *   <li>{@code portal_notices}: emergency notices boxes published, and the NOC's decision.</li>
 * </ul>
 */
final class PortalStore {

    /**
     * Schema steps of the portal part (applied by the store's migration runner, {@link PortalPart#migrations()}).
     * Step 1 keeps IF NOT EXISTS: stores made before the part had steps already hold these tables.
     */
    static final List<String> MIGRATIONS = List.of("""
            CREATE TABLE IF NOT EXISTS portal_sites (
              site TEXT PRIMARY KEY, owner TEXT NOT NULL, mirrors TEXT NOT NULL, frame_ancestors TEXT NOT NULL, created_at BIGINT NOT NULL);
            CREATE TABLE IF NOT EXISTS portal_snapshots (
              site TEXT NOT NULL, version BIGINT NOT NULL, issued_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,
              issued_by TEXT NOT NULL, files INTEGER NOT NULL, bytes BIGINT NOT NULL, homepage_modified BIGINT NOT NULL,
              sha256 TEXT NOT NULL, envelope TEXT NOT NULL, PRIMARY KEY (site, version));
            CREATE TABLE IF NOT EXISTS portal_files (
              site TEXT NOT NULL, version BIGINT NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (site, version, path));
            CREATE INDEX IF NOT EXISTS portal_files_sha256 ON portal_files (sha256);
            CREATE TABLE IF NOT EXISTS portal_probes (
              unit TEXT NOT NULL, site TEXT NOT NULL, probed_at BIGINT NOT NULL, reachable INTEGER NOT NULL, http_status INTEGER NOT NULL,
              latency_ms BIGINT NOT NULL, version BIGINT NOT NULL, snapshot_age_s BIGINT NOT NULL, last_modified_age_s BIGINT NOT NULL,
              stale INTEGER NOT NULL, expired INTEGER NOT NULL, PRIMARY KEY (unit, site));
            CREATE TABLE IF NOT EXISTS portal_mirrors (
              unit TEXT NOT NULL, site TEXT NOT NULL, version_in_force BIGINT NOT NULL, outcome TEXT NOT NULL, check_name TEXT NOT NULL,
              reason TEXT NOT NULL, version BIGINT NOT NULL, reported_at BIGINT NOT NULL, PRIMARY KEY (unit, site));
            CREATE TABLE IF NOT EXISTS portal_notices (
              id TEXT PRIMARY KEY, unit TEXT NOT NULL, site TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL,
              issued_at BIGINT NOT NULL, received_at BIGINT NOT NULL, state TEXT NOT NULL, decided_by TEXT, decided_at BIGINT,
              envelope TEXT NOT NULL)""");

    private final Database database;

    PortalStore(Database database) {
        this.database = database;
    }

    /** A registered site. */
    record Site(String site, String owner, PolicyScope mirrors, String frameAncestors) {
    }

    /**
     * A kept version (without its envelope).
     *
     * @param homepageModified seconds since the epoch, 0 when the site has no homepage
     */
    record Version(String site, long version, long issuedAt, long expiresAt, String issuedBy, int files, long bytes,
                   long homepageModified, String sha256) {
    }

    /** The last probe a unit reported for a site. */
    record Probe(String unit, String site, long probedAt, boolean reachable, int httpStatus, long latencyMs, long version,
                 long snapshotAgeS, long lastModifiedAgeS, boolean stale, boolean expired) {
    }

    /** What a unit reported about its copy of a site. */
    record Mirror(String unit, String site, long versionInForce, String outcome, String check, String reason, long version,
                  long reportedAt) {
    }

    /** An emergency notice and the NOC's decision ({@code OPEN}, {@code FOLDED}, {@code WITHDRAWN}). */
    record Notice(String id, String unit, String site, String title, String body, long issuedAt, long receivedAt, String state,
                  String decidedBy, long decidedAt) {
    }

    // ---- sites and versions ---------------------------------------------------------------

    List<Site> sites() throws SQLException {
        List<Site> out = new ArrayList<>();
        try (Connection c = database.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT site, owner, mirrors, frame_ancestors FROM portal_sites ORDER BY site")) {
            while (rs.next()) {
                out.add(new Site(rs.getString(1), rs.getString(2), PolicyScope.parse(rs.getString(3)), rs.getString(4)));
            }
        }
        return out;
    }

    void addSite(Site s, long now) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO portal_sites (site, owner, mirrors, frame_ancestors, created_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, s.site());
            ps.setString(2, s.owner());
            ps.setString(3, s.mirrors().toString());
            ps.setString(4, s.frameAncestors());
            ps.setLong(5, now);
            ps.executeUpdate();
        }
    }

    /** The newest version of every site that has one. */
    Map<String, Version> newest() throws SQLException {
        Map<String, Version> out = new LinkedHashMap<>();
        try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT " + VERSION_COLUMNS + " FROM portal_snapshots p WHERE version = (SELECT MAX(version) FROM portal_snapshots q"
                        + " WHERE q.site = p.site) ORDER BY site")) {
            while (rs.next()) {
                Version v = version(rs);
                out.put(v.site(), v);
            }
        }
        return out;
    }

    private static final String VERSION_COLUMNS = "site, version, issued_at, expires_at, issued_by, files, bytes, homepage_modified, sha256";

    private static Version version(ResultSet rs) throws SQLException {
        return new Version(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getString(5), rs.getInt(6), rs.getLong(7),
                rs.getLong(8), rs.getString(9));
    }

    /** Kept versions of a site, newest first. */
    List<Version> versions(String site) throws SQLException {
        List<Version> out = new ArrayList<>();
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + VERSION_COLUMNS + " FROM portal_snapshots WHERE site = ? ORDER BY version DESC")) {
            ps.setString(1, site);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(version(rs));
                }
            }
        }
        return out;
    }

    /** The signed envelope of a version; {@code version} 0 means the newest. */
    Optional<byte[]> envelope(String site, long version) throws SQLException {
        String sql = version == 0
                ? "SELECT envelope FROM portal_snapshots WHERE site = ? ORDER BY version DESC LIMIT 1"
                : "SELECT envelope FROM portal_snapshots WHERE site = ? AND version = ?";
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, site);
            if (version != 0) {
                ps.setLong(2, version);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1).getBytes(StandardCharsets.US_ASCII)) : Optional.empty();
            }
        }
    }

    /** Held from {@link #nextVersion} to {@link #record}, so that two manager nodes never sign the same version of a site. */
    Database.SeriesLock lockVersions(String site) throws SQLException {
        return database.lockSeries("portal_snapshots.version " + site);
    }

    long nextVersion(String site) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("SELECT MAX(version) FROM portal_snapshots WHERE site = ?")) {
            ps.setString(1, site);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) + 1 : 1;
            }
        }
    }

    /** Records a signed version and the content it lists, in one transaction. */
    void record(Version v, byte[] envelope, List<SiteFile> files) throws SQLException {
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO portal_snapshots (" + VERSION_COLUMNS + ", envelope)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, v.site());
                    ps.setLong(2, v.version());
                    ps.setLong(3, v.issuedAt());
                    ps.setLong(4, v.expiresAt());
                    ps.setString(5, v.issuedBy());
                    ps.setInt(6, v.files());
                    ps.setLong(7, v.bytes());
                    ps.setLong(8, v.homepageModified());
                    ps.setString(9, v.sha256());
                    ps.setString(10, new String(envelope, StandardCharsets.US_ASCII));
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO portal_files (site, version, path, sha256) VALUES (?, ?, ?, ?)")) {
                    for (SiteFile f : files) {
                        ps.setString(1, v.site());
                        ps.setLong(2, v.version());
                        ps.setString(3, f.path());
                        ps.setString(4, f.sha256());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Sites of which a kept version lists this content. */
    Set<String> sitesHolding(String sha256) throws SQLException {
        Set<String> out = new LinkedHashSet<>();
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("SELECT DISTINCT site FROM portal_files WHERE sha256 = ?")) {
            ps.setString(1, sha256);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /**
     * Forgets the versions of {@code site} beyond the newest {@code keep}; returns the content no
     * kept version of any site lists any more (the caller deletes those blobs).
     */
    Set<String> prune(String site, int keep) throws SQLException {
        Set<String> orphans = new LinkedHashSet<>();
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            try {
                long floor;
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT version FROM portal_snapshots WHERE site = ? ORDER BY version DESC LIMIT 1 OFFSET ?")) {
                    ps.setString(1, site);
                    ps.setInt(2, keep - 1);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            c.rollback();
                            return orphans;
                        }
                        floor = rs.getLong(1);
                    }
                }
                Set<String> candidates = new LinkedHashSet<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT sha256 FROM portal_files WHERE site = ? AND version < ?")) {
                    ps.setString(1, site);
                    ps.setLong(2, floor);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            candidates.add(rs.getString(1));
                        }
                    }
                }
                for (String table : List.of("portal_files", "portal_snapshots")) {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE site = ? AND version < ?")) {
                        ps.setString(1, site);
                        ps.setLong(2, floor);
                        ps.executeUpdate();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM portal_files WHERE sha256 = ? LIMIT 1")) {
                    for (String sha : candidates) {
                        ps.setString(1, sha);
                        try (ResultSet rs = ps.executeQuery()) {
                            if (!rs.next()) {
                                orphans.add(sha);
                            }
                        }
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        return orphans;
    }

    // ---- what boxes report ----------------------------------------------------------------

    void probe(Probe p) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO portal_probes (unit, site, probed_at, reachable, http_status, latency_ms, version, snapshot_age_s,"
                        + " last_modified_age_s, stale, expired) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (unit, site) DO UPDATE SET"
                        + " probed_at = excluded.probed_at, reachable = excluded.reachable, http_status = excluded.http_status,"
                        + " latency_ms = excluded.latency_ms, version = excluded.version, snapshot_age_s = excluded.snapshot_age_s,"
                        + " last_modified_age_s = excluded.last_modified_age_s, stale = excluded.stale, expired = excluded.expired"
                        + " WHERE portal_probes.probed_at <= excluded.probed_at")) {
            ps.setString(1, p.unit());
            ps.setString(2, p.site());
            ps.setLong(3, p.probedAt());
            ps.setInt(4, p.reachable() ? 1 : 0);
            ps.setInt(5, p.httpStatus());
            ps.setLong(6, p.latencyMs());
            ps.setLong(7, p.version());
            ps.setLong(8, p.snapshotAgeS());
            ps.setLong(9, p.lastModifiedAgeS());
            ps.setInt(10, p.stale() ? 1 : 0);
            ps.setInt(11, p.expired() ? 1 : 0);
            ps.executeUpdate();
        }
    }

    List<Probe> probes() throws SQLException {
        List<Probe> out = new ArrayList<>();
        try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT unit, site, probed_at, reachable, http_status, latency_ms, version, snapshot_age_s, last_modified_age_s, stale, expired"
                        + " FROM portal_probes ORDER BY unit, site")) {
            while (rs.next()) {
                out.add(new Probe(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getInt(4) == 1, rs.getInt(5), rs.getLong(6),
                        rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getInt(10) == 1, rs.getInt(11) == 1));
            }
        }
        return out;
    }

    void mirror(Mirror m) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO portal_mirrors (unit, site, version_in_force, outcome, check_name, reason, version, reported_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (unit, site) DO UPDATE SET version_in_force = excluded.version_in_force,"
                        + " outcome = excluded.outcome, check_name = excluded.check_name, reason = excluded.reason, version = excluded.version,"
                        + " reported_at = excluded.reported_at WHERE portal_mirrors.reported_at <= excluded.reported_at")) {
            ps.setString(1, m.unit());
            ps.setString(2, m.site());
            ps.setLong(3, m.versionInForce());
            ps.setString(4, m.outcome());
            ps.setString(5, m.check());
            ps.setString(6, m.reason());
            ps.setLong(7, m.version());
            ps.setLong(8, m.reportedAt());
            ps.executeUpdate();
        }
    }

    List<Mirror> mirrors() throws SQLException {
        List<Mirror> out = new ArrayList<>();
        try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT unit, site, version_in_force, outcome, check_name, reason, version, reported_at FROM portal_mirrors ORDER BY unit, site")) {
            while (rs.next()) {
                out.add(new Mirror(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5), rs.getString(6),
                        rs.getLong(7), rs.getLong(8)));
            }
        }
        return out;
    }

    // ---- notices --------------------------------------------------------------------------

    /** Records a notice; false when its id is known already (a duplicate delivery). */
    boolean addNotice(Notice n, byte[] envelope) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO portal_notices (id, unit, site, title, body, issued_at, received_at, state, envelope)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, n.id());
            ps.setString(2, n.unit());
            ps.setString(3, n.site());
            ps.setString(4, n.title());
            ps.setString(5, n.body());
            ps.setLong(6, n.issuedAt());
            ps.setLong(7, n.receivedAt());
            ps.setString(8, n.state());
            ps.setString(9, new String(envelope, StandardCharsets.US_ASCII));
            return ps.executeUpdate() == 1;
        }
    }

    List<Notice> notices() throws SQLException {
        return notices("", "");
    }

    /** Notices of one site ({@code site} non-empty), or of one id, or all. */
    private List<Notice> notices(String site, String id) throws SQLException {
        String where = !site.isEmpty() ? " WHERE site = ?" : !id.isEmpty() ? " WHERE id = ?" : "";
        List<Notice> out = new ArrayList<>();
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, unit, site, title, body, issued_at, received_at, state, decided_by, decided_at FROM portal_notices" + where
                        + " ORDER BY received_at DESC")) {
            if (!where.isEmpty()) {
                ps.setString(1, site.isEmpty() ? id : site);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Notice(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getLong(6),
                            rs.getLong(7), rs.getString(8), rs.getString(9), rs.getLong(10)));
                }
            }
        }
        return out;
    }

    List<Notice> noticesOf(String site) throws SQLException {
        return notices(site, "");
    }

    Optional<Notice> notice(String id) throws SQLException {
        return notices("", id).stream().findFirst();
    }

    Optional<byte[]> noticeEnvelope(String id) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("SELECT envelope FROM portal_notices WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1).getBytes(StandardCharsets.US_ASCII)) : Optional.empty();
            }
        }
    }

    /** Open notices of a unit (the bound on what one box may have waiting). */
    int openNotices(String unit) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM portal_notices WHERE unit = ? AND state = 'OPEN'")) {
            ps.setString(1, unit);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    /** Sets a decision on an open notice; false when it is not open. */
    boolean decide(String id, String state, String by, long at) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(
                "UPDATE portal_notices SET state = ?, decided_by = ?, decided_at = ? WHERE id = ? AND state = 'OPEN'")) {
            ps.setString(1, state);
            ps.setString(2, by);
            ps.setLong(3, at);
            ps.setString(4, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** Takes a decision back (the snapshot that was to carry it could not be signed). */
    void reopen(String id) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(
                "UPDATE portal_notices SET state = 'OPEN', decided_by = NULL, decided_at = NULL WHERE id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }
}
