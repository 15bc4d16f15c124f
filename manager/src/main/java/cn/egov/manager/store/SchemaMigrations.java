package cn.egov.manager.store;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;

/**
 * The store's one migration runner, on Flyway: the shell's steps ({@link #CORE}, part {@value #CORE_PART})
 * and each part's own ({@link cn.egov.manager.part.ManagerPart#migrations()}). A part's steps are
 * Flyway versions 1, 2, ... in the part's own history table {@code schema_history_<part>}, so parts
 * added on different branches never compete for a version number. Each step runs once, in order,
 * in its own transaction; its checksum is its text, so an edited step that has shipped is refused
 * (append steps, never edit one). A database whose part is at a step this manager does not know is
 * refused too. On PostgreSQL an advisory lock is held while a part migrates, so several manager
 * nodes starting at once apply each step once; SQLite has no such lock (and is one node's store):
 * migrations of one process take turns. Types stay portable between SQLite and PostgreSQL
 * (BIGINT, TEXT, DOUBLE PRECISION, BYTEA: SQLite stores bytes under any type name).
 *
 * <p>Databases made by the runner before Flyway ({@code schema_version} for the shell,
 * {@code part_schema} for parts) are taken over: Flyway's history starts at the step they reached.
 */
final class SchemaMigrations {

    /** The shell's part name: its tables are recorded in {@code schema_history_core}. */
    static final String CORE_PART = "core";

    /** PostgreSQL advisory lock held while a node migrates (any number; this one spells "egovmigr"). */
    private static final long LOCK_KEY = 0x65676f766d696772L;

    private static final Pattern PART_NAME = Pattern.compile("[a-z][a-z0-9_]{0,39}");

    static final List<String> CORE = List.of(
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
            // escalation state, refused report messages, each unit's newest roster; alarms by kind (its alarm list).
            // MOVED to the duty part's own step 1 (DutyOfficeStore.MIGRATIONS): see MOVED below; this text stays
            // because databases that ran it recorded its checksum
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

    /**
     * Steps, per part, whose tables another part now makes: they stay in the list (their text is the
     * checksum databases that ran them recorded, and their number keeps later steps' numbers) but run
     * nothing. Core step 4 made the duty office's tables before parts had steps of their own; the duty
     * part's step 1 makes them now ({@code CREATE ... IF NOT EXISTS}: a no-op on a database where
     * core step 4 ran).
     */
    static final Map<String, Set<Integer>> MOVED = Map.of(CORE_PART, Set.of(4));

    private SchemaMigrations() {
    }

    /**
     * Applies the part's steps not yet applied, each in its own transaction, recorded in
     * {@code schema_history_<part>}.
     *
     * @throws SQLException naming the part and what is wrong: a database newer than these steps,
     *                      an applied step whose text changed, or a step that failed (with its SQL error)
     */
    static void migrate(DataSource source, boolean sqlite, String part, List<String> steps) throws SQLException {
        migrate(source, sqlite, part, steps, MOVED.getOrDefault(part, Set.of()));
    }

    /** The same, with the given steps of {@code part} running nothing (tests: {@code Set.of()} migrates as before the move). */
    static void migrate(DataSource source, boolean sqlite, String part, List<String> steps, Set<Integer> moved) throws SQLException {
        if (sqlite) {
            synchronized (SchemaMigrations.class) {
                migrateLocked(source, part, steps, moved);
            }
            return;
        }
        // Flyway locks while it applies steps, but not while it first finds the schema and makes the
        // history table: two nodes starting on an empty database could both try. One lock around all.
        try (Connection lock = source.getConnection(); Statement s = lock.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + LOCK_KEY + ")");
            try {
                migrateLocked(source, part, steps, moved);
            } finally {
                s.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
            }
        }
    }

    private static void migrateLocked(DataSource source, String part, List<String> steps, Set<Integer> moved) throws SQLException {
        String name = part.replace('-', '_');
        if (!PART_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("part name '" + part + "' cannot name a schema history table");
        }
        String table = "schema_history_" + name;
        if (steps.isEmpty() && !tableExists(source, table)) {
            // A part without tables (most have none) has nothing to record. Flyway, given no step,
            // would make a history table holding only a baseline and warn "No migrations found. Are
            // your locations set up correctly?" on the first start: on an empty database, once per
            // such part, which reads as a misconfiguration. A history table made earlier is still
            // checked (a database whose part has steps this manager does not know is refused).
            return;
        }
        // Parts share one schema, so Flyway finds it non-empty for every part but the first: the
        // history of a part starts with a baseline at 0 (all its steps to run) or, for a database of
        // the runner before Flyway, at the step that runner reached.
        int legacy = legacyVersion(source, part, table);
        Flyway flyway = Flyway.configure()
                .dataSource(source)
                .table(table)
                .locations(new String[0]) // the steps come from the code, never from scanning the class path
                .javaMigrations(PartStep.of(part, steps, moved))
                .ignoreMigrationPatterns(new String[0]) // a step applied but unknown here is an error, not "future"
                .baselineOnMigrate(true)
                .baselineVersion(MigrationVersion.fromVersion(Integer.toString(legacy)))
                .baselineDescription(legacy == 0 ? "<< empty >>" : "steps applied before Flyway")
                .cleanDisabled(true)
                .load();
        PartStep[] known = PartStep.of(part, steps, moved);
        try {
            // Checked here rather than left to Flyway's validation, whose message spans many lines
            for (MigrationInfo applied : flyway.info().applied()) {
                if (applied.getVersion() == null || !"JDBC".equals(applied.getType().name())) {
                    continue; // the baseline
                }
                int step = Integer.parseInt(applied.getVersion().getVersion());
                if (step > known.length) {
                    throw new SQLException("the " + part + " schema of this database is at step " + step
                            + ", newer than this manager knows (" + known.length + "); refusing to touch it");
                }
                if (!java.util.Objects.equals(applied.getChecksum(), known[step - 1].getChecksum())) {
                    throw new SQLException("the " + part + " schema: step " + step + " was edited after it was applied to this"
                            + " database (checksum " + applied.getChecksum() + " applied, " + known[step - 1].getChecksum()
                            + " now); append a new step instead of editing one");
                }
            }
            flyway.migrate();
        } catch (FlywayException e) {
            throw new SQLException("the " + part + " schema: " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * The step a database reached under the runner before Flyway, when the part has no Flyway history
     * yet: {@code schema_version} (the shell) or {@code part_schema} (a part); 0 when there is none.
     */
    private static int legacyVersion(DataSource source, String part, String historyTable) throws SQLException {
        try (Connection c = source.getConnection()) {
            if (tableExists(c, historyTable)) {
                return 0;
            }
            if (CORE_PART.equals(part)) {
                if (!tableExists(c, "schema_version")) {
                    return 0;
                }
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
                    return rs.next() ? rs.getInt(1) : 0;
                }
            }
            if (!tableExists(c, "part_schema")) {
                return 0;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT version FROM part_schema WHERE part = ?")) {
                ps.setString(1, part);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : 0;
                }
            }
        }
    }

    private static boolean tableExists(DataSource source, String table) throws SQLException {
        try (Connection c = source.getConnection()) {
            return tableExists(c, table);
        }
    }

    private static boolean tableExists(Connection c, String table) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        // PostgreSQL folds unquoted names to lower case, as these are written
        try (ResultSet rs = meta.getTables(null, null, table, new String[] {"TABLE"})) {
            return rs.next();
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "migration failed";
        }
        String line = message.strip();
        int nl = line.indexOf('\n');
        return nl < 0 ? line : line.substring(0, nl).strip();
    }
}
