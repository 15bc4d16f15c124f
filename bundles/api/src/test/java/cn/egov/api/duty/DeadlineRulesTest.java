package cn.egov.api.duty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeadlineRulesTest {

    @Test
    void defaultsAreTheProvincialRule() {
        DeadlineRules d = DeadlineRules.DEFAULT;
        assertEquals(Duration.ofMinutes(15), d.of(ReportLevel.EXTRAORDINARY).phone());
        assertEquals(Duration.ofMinutes(35), d.of(ReportLevel.EXTRAORDINARY).written());
        assertEquals(Duration.ofMinutes(15), d.of(ReportLevel.MAJOR).phone());
        assertEquals(Duration.ofMinutes(35), d.of(ReportLevel.MAJOR).written());
        assertNull(d.of(ReportLevel.LARGE).phone());
        assertEquals(Duration.ofHours(1), d.of(ReportLevel.LARGE).written());
        assertNull(d.of(ReportLevel.GENERAL).phone());
        assertEquals(Duration.ofHours(6), d.of(ReportLevel.GENERAL).written());
        assertEquals(DeadlineRules.DEFAULT_TEXT, d.toText());
    }

    @Test
    void theRuleReadsAsASentenceForTheDutyOfficer() {
        assertEquals("特别重大 电话 15 分钟、书面 35 分钟；重大 电话 15 分钟、书面 35 分钟；较大 书面 1 小时；一般 书面 6 小时"
                + " · Ⅰ phone 15 min, written 35 min; Ⅱ phone 15 min, written 35 min; Ⅲ written 1 h; Ⅳ written 6 h",
                DeadlineRules.DEFAULT.toSentence());
    }

    @Test
    void countedFromTheEvent() {
        Instant event = Instant.parse("2026-07-01T01:20:00Z");
        DeadlineRules.Due due = DeadlineRules.DEFAULT.dueAt(ReportLevel.MAJOR, event);
        assertEquals(Instant.parse("2026-07-01T01:35:00Z"), due.phone());
        assertEquals(Instant.parse("2026-07-01T01:55:00Z"), due.written());
        assertNull(DeadlineRules.DEFAULT.dueAt(ReportLevel.GENERAL, event).phone());
    }

    @Test
    void aProvinceSetsItsOwnInEnglishOrChinese() {
        DeadlineRules d = DeadlineRules.parse("特别重大=10m/30m, major=20m/40m, 较大=-/2h, general=1h/1d");
        assertEquals(Duration.ofMinutes(10), d.of(ReportLevel.EXTRAORDINARY).phone());
        assertEquals(Duration.ofHours(2), d.of(ReportLevel.LARGE).written());
        assertEquals(Duration.ofDays(1), d.of(ReportLevel.GENERAL).written());
        assertEquals(d, DeadlineRules.parse(d.toText()));
    }

    @Test
    void errorsNameTheLevelAndThePart() {
        assertTrue(message("major=15m/35m, large=-/1h, general=-/6h").contains("'extraordinary'"));
        assertTrue(message("extraordinary=15m/35m, major=15m/35m, major=15m/35m, large=-/1h, general=-/6h").contains("twice"));
        assertTrue(message("extraordinary=15m/35m, major=15x/35m, large=-/1h, general=-/6h").contains("'major': phone deadline '15x'"));
        assertTrue(message("extraordinary=15m/35m, major=15m/35m, large=-/1h, general=-/0h").contains("positive"));
        assertTrue(message("extraordinary=45m/35m, major=15m/35m, large=-/1h, general=-/6h").contains("later than the written"));
        assertTrue(message("urgent=1m/2m").contains("unknown level 'urgent'"));
        assertTrue(message("major 15m 35m").contains("level=phone/written"));
        assertTrue(message(" ").contains("empty"));
    }

    private static String message(String text) {
        DutyInputException e = assertThrows(DutyInputException.class, () -> DeadlineRules.parse(text));
        assertEquals("deadlines", e.field());
        return e.getMessage();
    }
}
