package cn.egov.manager.cli;

import cn.egov.manager.audit.AuditEntry;
import cn.egov.manager.audit.AuditLog;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.store.Database;
import java.sql.SQLException;

/**
 * The audit entry of a state-changing command run at the manager's console: the actor is the OS
 * user ({@code cli:<user>}, role {@code cli}, source {@code local}), so {@code /audit} shows who
 * revoked a certificate or issued a token as it shows who did it through the web.
 */
final class CliAudit {

    static final String ROLE = "cli";
    static final String SOURCE = "local";

    private CliAudit() {
    }

    /** Who runs this command, as the audit log names them. */
    static String actor() {
        return "cli:" + System.getProperty("user.name");
    }

    /** Records one entry in the manager's store (a refusal too: an attempt is a fact the auditor asks about). */
    static void record(Database db, String action, String target, AuditEntry.Outcome outcome, String detail) throws SQLException {
        new AuditLog(db).record(new AuditEntry(System.currentTimeMillis(), actor(), ROLE, action, target == null ? "" : target, outcome,
                detail, SOURCE));
    }

    /** As {@link #record(Database, String, String, AuditEntry.Outcome, String)}, in the database {@code cfg} names. */
    static void record(ManagerConfig cfg, String action, String target, AuditEntry.Outcome outcome, String detail) throws SQLException {
        try (Database db = Database.open(cfg.jdbcUrl(), cfg.get(ConfigKey.DB_USER), cfg.get(ConfigKey.DB_PASSWORD))) {
            record(db, action, target, outcome, detail);
        }
    }

    /**
     * Records a refused attempt of {@code command} (e.g. {@code manager policy sign}) when its configuration was loaded
     * ({@code cfg} null: there is no store to write to); a store that cannot be written is said on stderr, and the
     * refusal the operator already saw stands.
     */
    static void recordRefusal(ManagerConfig cfg, String command, String action, String target, String why) {
        if (cfg == null) {
            return;
        }
        try {
            record(cfg, action, CliErrors.oneLine(target), AuditEntry.Outcome.REFUSED, CliErrors.oneLine(why));
        } catch (SQLException e) {
            System.err.println(command + ": the refusal was not written to the audit log (" + CliErrors.oneLine(e.getMessage()) + ")");
        }
    }

    /** The audit outcome of a command's exit code: the user's mistake or a rule is a refusal, the rest a failure. */
    static AuditEntry.Outcome outcomeOf(int exitCode) {
        return switch (exitCode) {
            case CliErrors.OK -> AuditEntry.Outcome.SUCCESS;
            case CliErrors.REFUSED, CliErrors.BAD_INPUT -> AuditEntry.Outcome.REFUSED;
            default -> AuditEntry.Outcome.FAILED;
        };
    }
}
