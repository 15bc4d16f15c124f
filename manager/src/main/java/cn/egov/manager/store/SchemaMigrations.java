package cn.egov.manager.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The versioned schema: the shell's tables here ({@code schema_version}), each part's own steps
 * through {@link #migratePart} ({@code part_schema}, one row per part). Each step runs once, in order, in its own transaction; the version reached
 * is kept in {@code schema_version}. Append steps, never edit one that has shipped.
 * Types are kept portable between SQLite and PostgreSQL (BIGINT, TEXT, DOUBLE PRECISION).
 */
final class SchemaMigrations {

    static final List<String> STEPS = List.of(
            // 1: fleet registry, lifecycle, health, alarms, generic telemetry, malformed input log
            """
            CREATE TABLE boxes (
              client_id TEXT PRIMARY KEY,
              province TEXT, city TEXT, county TEXT, department TEXT,
              display_name TEXT,
              status TEXT NOT NULL,
              status_since BIGINT NOT NULL,
              last_seen BIGINT NOT NULL,
              last_health BIGINT,
              health_interval_s INTEGER,
              firmware_version TEXT,
              connection_ip TEXT,
              last_health_json TEXT,
              status_cause TEXT
            );
            CREATE TABLE lifecycle_events (
              client_id TEXT NOT NULL, kind TEXT NOT NULL,
              msg_epoch TEXT, msg_seq BIGINT,
              ts BIGINT, received BIGINT NOT NULL, metrics_json TEXT
            );
            CREATE UNIQUE INDEX lifecycle_msg ON lifecycle_events (client_id, msg_epoch, msg_seq);
            CREATE INDEX lifecycle_box ON lifecycle_events (client_id, received);
            CREATE TABLE health_samples (
              client_id TEXT NOT NULL, msg_epoch TEXT, msg_seq BIGINT,
              ts BIGINT, received BIGINT NOT NULL,
              heap_used_bytes BIGINT, heap_max_bytes BIGINT, cpu_load DOUBLE PRECISION,
              disk_free_bytes BIGINT, outbox_depth BIGINT, outbox_evicted BIGINT,
              metrics_json TEXT
            );
            CREATE UNIQUE INDEX health_msg ON health_samples (client_id, msg_epoch, msg_seq);
            CREATE INDEX health_box ON health_samples (client_id, received);
            CREATE TABLE alarms (
              client_id TEXT NOT NULL, msg_epoch TEXT, msg_seq BIGINT,
              kind TEXT NOT NULL, severity TEXT NOT NULL, source TEXT, message TEXT,
              evidence_json TEXT, ts BIGINT, received BIGINT NOT NULL
            );
            CREATE UNIQUE INDEX alarms_msg ON alarms (client_id, msg_epoch, msg_seq);
            CREATE INDEX alarms_box ON alarms (client_id, received);
            CREATE TABLE telemetry (
              client_id TEXT NOT NULL, app_id TEXT NOT NULL, resource TEXT NOT NULL,
              msg_epoch TEXT, msg_seq BIGINT,
              ts BIGINT, received BIGINT NOT NULL, metrics_json TEXT, body BYTEA
            );
            CREATE UNIQUE INDEX telemetry_msg ON telemetry (client_id, msg_epoch, msg_seq);
            CREATE INDEX telemetry_box ON telemetry (client_id, app_id, received);
            CREATE TABLE malformed (
              topic TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT, size BIGINT NOT NULL, received BIGINT NOT NULL
            );
            """,
            // 2: people who log in (cn.egov.manager.account) and the audit log of what they changed (cn.egov.manager.audit)
            """
            CREATE TABLE accounts (
              name TEXT PRIMARY KEY, role TEXT NOT NULL, counties TEXT NOT NULL,
              password_hash TEXT NOT NULL, created BIGINT NOT NULL, updated BIGINT NOT NULL
            );
            CREATE TABLE audit_log (
              id BIGINT NOT NULL, ts BIGINT NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL, action TEXT NOT NULL,
              target TEXT, outcome TEXT NOT NULL, detail TEXT, source TEXT
            );
            CREATE INDEX audit_log_ts ON audit_log (ts);
            CREATE INDEX audit_log_id ON audit_log (id);
            """,
            // 3: each health figure in one place, the sample's metrics_json (all metrics, as sent): the
            // typed copies in health_samples and the fleet's copy of the last ones in boxes go
            """
            ALTER TABLE health_samples DROP COLUMN heap_used_bytes;
            ALTER TABLE health_samples DROP COLUMN heap_max_bytes;
            ALTER TABLE health_samples DROP COLUMN cpu_load;
            ALTER TABLE health_samples DROP COLUMN disk_free_bytes;
            ALTER TABLE health_samples DROP COLUMN outbox_depth;
            ALTER TABLE health_samples DROP COLUMN outbox_evicted;
            ALTER TABLE boxes DROP COLUMN last_health_json;
            """,
            // 4: the province's duty office (cn.egov.manager.duty): reports with their acknowledgement and
            // escalation state, refused report messages, each unit's newest roster; alarms by kind (its alarm list)
            """
            CREATE TABLE duty_reports (
              id TEXT PRIMARY KEY, unit TEXT NOT NULL, incident TEXT NOT NULL, number INTEGER NOT NULL, kind TEXT NOT NULL,
              level TEXT NOT NULL, status TEXT NOT NULL, filed_at BIGINT NOT NULL, received_at BIGINT NOT NULL,
              msg_epoch TEXT, msg_seq BIGINT, late INTEGER NOT NULL, payload BYTEA NOT NULL,
              acknowledged_at BIGINT, acknowledged_by TEXT, ack_note TEXT NOT NULL DEFAULT '',
              step INTEGER NOT NULL, next_escalation_at BIGINT, alarms INTEGER NOT NULL, UNIQUE (incident, number)
            );
            CREATE INDEX duty_reports_unit ON duty_reports (unit, received_at);
            CREATE INDEX duty_reports_due ON duty_reports (next_escalation_at);
            CREATE TABLE duty_refusals (
              unit TEXT NOT NULL, msg_epoch TEXT NOT NULL, msg_seq BIGINT NOT NULL, received_at BIGINT NOT NULL,
              report_id TEXT, incident TEXT, number INTEGER, field TEXT NOT NULL, reason TEXT NOT NULL, payload BYTEA,
              resolved INTEGER NOT NULL, PRIMARY KEY (unit, msg_epoch, msg_seq)
            );
            CREATE TABLE duty_rosters (
              unit TEXT PRIMARY KEY, version BIGINT NOT NULL, published_at BIGINT NOT NULL, received_at BIGINT NOT NULL,
              payload BYTEA NOT NULL
            );
            CREATE INDEX alarms_kind ON alarms (kind, received);
            """
    );

    private SchemaMigrations() {
    }

    /**
     * Applies a part's steps not yet applied, each in its own transaction, and records how far the
     * part got in {@code part_schema}. Refuses a database whose part schema is newer than the steps.
     */
    static int migratePart(Connection c, String part, List<String> steps) throws SQLException {
        boolean auto = c.getAutoCommit();
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS part_schema (part TEXT PRIMARY KEY, version INTEGER NOT NULL)");
            int version = 0;
            try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT version FROM part_schema WHERE part = ?")) {
                ps.setString(1, part);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        version = rs.getInt(1);
                    }
                }
            }
            if (version > steps.size()) {
                throw new SQLException("the " + part + " part's schema version " + version + " is newer than this manager knows ("
                        + steps.size() + "); refusing to touch it");
            }
            c.setAutoCommit(false);
            for (int v = version; v < steps.size(); v++) {
                for (String stmt : steps.get(v).split(";")) {
                    if (!stmt.isBlank()) {
                        s.execute(stmt);
                    }
                }
                try (java.sql.PreparedStatement ps = c.prepareStatement(v == 0
                        ? "INSERT INTO part_schema (version, part) VALUES (?, ?)" : "UPDATE part_schema SET version = ? WHERE part = ?")) {
                    ps.setInt(1, v + 1);
                    ps.setString(2, part);
                    ps.executeUpdate();
                }
                c.commit();
            }
            return steps.size();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    static int migrate(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            int version = 0;
            try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
                if (rs.next()) {
                    version = rs.getInt(1);
                }
            }
            if (version > STEPS.size()) {
                throw new SQLException("database schema version " + version + " is newer than this manager knows ("
                        + STEPS.size() + "); refusing to touch it");
            }
            c.setAutoCommit(false);
            for (int v = version; v < STEPS.size(); v++) {
                for (String stmt : STEPS.get(v).split(";")) {
                    if (!stmt.isBlank()) {
                        s.execute(stmt);
                    }
                }
                s.execute("INSERT INTO schema_version (version) VALUES (" + (v + 1) + ")");
                c.commit();
            }
            return STEPS.size();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }
}
