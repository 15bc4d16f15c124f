package cn.egov.manager.store;

import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * One schema step of a part as a Flyway migration: version = its position (1, 2, ...), checksum =
 * the CRC-32 of its text (Flyway refuses a database whose applied step was since edited), and the
 * statements run on Flyway's connection inside Flyway's transaction.
 */
final class PartStep implements JavaMigration {

    private final String part;
    private final int number;
    private final String sql;
    /** Its tables are another part's now: it keeps its number and checksum and runs nothing. */
    private final boolean moved;

    private PartStep(String part, int number, String sql, boolean moved) {
        this.part = part;
        this.number = number;
        this.sql = sql;
        this.moved = moved;
    }

    static PartStep[] of(String part, List<String> steps, java.util.Set<Integer> moved) {
        List<PartStep> out = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            out.add(new PartStep(part, i + 1, steps.get(i), moved.contains(i + 1)));
        }
        return out.toArray(PartStep[]::new);
    }

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion(Integer.toString(number));
    }

    @Override
    public String getDescription() {
        return part + " step " + number; // unchanged when moved: Flyway compares it with the applied step's
    }

    @Override
    public Integer getChecksum() {
        CRC32 crc = new CRC32();
        crc.update(sql.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws Exception {
        if (moved) {
            return;
        }
        try (Statement s = context.getConnection().createStatement()) {
            for (String statement : sql.split(";")) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
        }
    }
}
