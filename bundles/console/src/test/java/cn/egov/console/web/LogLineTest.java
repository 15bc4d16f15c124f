package cn.egov.console.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The log page shows Beijing time, as every other page does, whatever offset the logger wrote. */
class LogLineTest {

    @Test
    void theLoggersUtcStampIsShownInBeijingTime() {
        assertEquals(new LogLine("2026-12-06 12:00:00", "[main] INFO cn.egov.console - console: started"),
                LogLine.of("2026-12-06T04:00:00.123Z [main] INFO cn.egov.console - console: started"));
        assertEquals(new LogLine("2026-12-06 12:00:00", "INFO x - y"), LogLine.of("2026-12-06T12:00:00.000+08:00 INFO x - y"));
    }

    @Test
    void aLineWithoutALeadingTimeIsShownAsWritten() {
        assertEquals(new LogLine("", "\tat cn.egov.Foo.bar(Foo.java:12)"), LogLine.of("\tat cn.egov.Foo.bar(Foo.java:12)"));
        assertEquals(new LogLine("", "console: started at 2026-12-06T04:00:00Z"), LogLine.of("console: started at 2026-12-06T04:00:00Z"));
        assertEquals(new LogLine("", ""), LogLine.of(""));
    }
}
