package cn.egov.manager.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.app.Parts;
import cn.egov.manager.config.ConfigException;
import cn.egov.manager.config.ManagerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code console.audit-retention-days} keeps the audit log long enough for the yearly inspection:
 * a December inspection must still find January, so a year is the floor and 400 days the default.
 */
class AuditRetentionKeyTest {

    @TempDir
    Path dir;

    private ManagerConfig load(String text) throws Exception {
        Path file = dir.resolve("manager.properties");
        Files.writeString(file, text);
        return ManagerConfig.load(file, Parts.schema());
    }

    @Test
    void theDefaultKeepsAYearAndAMonthAndLessThanAYearIsRefusedAtLoadNamingFileAndLine() throws Exception {
        assertEquals("400", load("").part(Parts.schema()).get("audit-retention-days"));
        ConfigException tooShort = assertThrows(ConfigException.class, () -> load("\nconsole.audit-retention-days = 365\n"));
        assertTrue(tooShort.getMessage().endsWith("manager.properties:2: console.audit-retention-days must be a whole number from 366 to 2147483647, got '365'"),
                tooShort.getMessage());
        assertEquals("366", load("console.audit-retention-days = 366\n").extension("console").get("audit-retention-days"));
    }
}
