package cn.egov.api.duty;

import java.util.Locale;

/**
 * Whether a report is real, part of an exercise (演练) or a technical test: CAP {@code status}
 * (GB/T 35965.1 uses the same values). An incident keeps the status of its 初报.
 */
public enum ReportStatus {
    ACTUAL("实际", "Actual"),
    EXERCISE("演练", "Exercise"),
    TEST("测试", "Test");

    private final String chinese;
    private final String cap;

    ReportStatus(String chinese, String cap) {
        this.chinese = chinese;
        this.cap = cap;
    }

    public String chinese() {
        return chinese;
    }

    /** The CAP 1.2 {@code status} value. */
    public String cap() {
        return cap;
    }

    /** A status from its CAP or Chinese name (any case); empty text means {@link #ACTUAL}. */
    public static ReportStatus parse(String text) {
        if (text == null || text.isBlank()) {
            return ACTUAL;
        }
        String t = text.strip();
        for (ReportStatus s : values()) {
            if (s.chinese.equals(t) || s.name().equals(t.toUpperCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new DutyInputException("status", "unknown status '" + t + "' (Actual/实际, Exercise/演练 or Test/测试)");
    }
}
