package cn.egov.console.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cn.egov.console.TestClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    @TempDir
    Path dir;
    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void entriesOlderThanTheRetentionGoAndYoungerOnesStay() throws Exception {
        try (ConsoleDatabase db = ConsoleDatabase.open(ConsoleDatabase.file(dir))) {
            AuditLog log = new AuditLog(db, new AuditLog.Settings(Duration.ofDays(190), 1000), clock);
            log.record("tech", "log in", "", "ok", "10.0.0.1");
            clock.advance(Duration.ofDays(100));
            log.record("tech", "save configuration", "cn.egov.telemetry.cfg", "accepted", "10.0.0.1");
            clock.advance(Duration.ofDays(91)); // the first entry is 191 days old, the second 91
            assertEquals(0, log.prune());
            assertEquals(1, log.stats().rows());
            assertEquals(1, log.stats().pruned());
            AuditLog.Entry kept = log.recent(10, 0).get(0);
            assertEquals("save configuration", kept.action());
            assertEquals(Instant.parse("2026-04-11T00:00:00Z"), kept.at());
        }
    }

    @Test
    void theBoundCutsTheOldestAndCountsEntriesYoungerThanTheRetention() throws Exception {
        try (ConsoleDatabase db = ConsoleDatabase.open(ConsoleDatabase.file(dir))) {
            AuditLog log = new AuditLog(db, new AuditLog.Settings(Duration.ofDays(183), 3), clock);
            for (int i = 0; i < 5; i++) {
                log.record("clerk", "POST /exchange/send", "doc-" + i, "200", "10.0.0.2");
            }
            assertEquals(2, log.prune());
            AuditLog.Stats s = log.stats();
            assertEquals(3, s.rows());
            assertEquals(2, s.cutYoung());
            assertEquals("doc-4", log.recent(1, 0).get(0).target());
            assertEquals("doc-2", log.recent(1, 2).get(0).target());
        }
    }

    @Test
    void retentionUnderSixMonthsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AuditLog.Settings(Duration.ofDays(182), 10));
    }
}
