package cn.egov.api.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogSafeTest {

    @Test
    void plainTextIsReturnedAsIs() {
        String s = "130602-001 普通文本";
        assertSame(s, LogSafe.of(s));
    }

    @Test
    void controlCharactersCannotStartALineOfTheirOwn() {
        String forged = LogSafe.of("box\n2026-12-04 INFO forged\r\u0000\t\u2028end");
        assertFalse(forged.contains("\n") || forged.contains("\r") || forged.contains("\u0000") || forged.contains("\u2028"));
        assertEquals("box\\n2026-12-04 INFO forged\\r\\u0000\\t\\u2028end", forged);
    }

    @Test
    void longValuesAreCutWithACount() {
        String cut = LogSafe.of("x".repeat(100_000));
        assertTrue(cut.startsWith("x".repeat(LogSafe.MAX_CHARS)));
        assertTrue(cut.endsWith("…(" + (100_000 - LogSafe.MAX_CHARS) + " more chars)"), cut);
        assertEquals("null", LogSafe.of(null));
    }
}
