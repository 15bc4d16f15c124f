package cn.egov.api.duty;

import java.util.Locale;

/**
 * How grave an event is, in the four grades of the national emergency plans (Ⅰ–Ⅳ). The level
 * decides the report deadlines ({@link DeadlineRules}) and the CAP {@code severity}.
 *
 * <pre>{@code
 * ReportLevel.parse("重大");       // MAJOR
 * ReportLevel.parse("major");      // MAJOR
 * ReportLevel.MAJOR.capSeverity(); // "Severe"
 * }</pre>
 */
public enum ReportLevel {
    /** 特别重大 (Ⅰ级). */
    EXTRAORDINARY("特别重大", "Ⅰ", "Extreme"),
    /** 重大 (Ⅱ级). */
    MAJOR("重大", "Ⅱ", "Severe"),
    /** 较大 (Ⅲ级). */
    LARGE("较大", "Ⅲ", "Moderate"),
    /** 一般 (Ⅳ级). */
    GENERAL("一般", "Ⅳ", "Minor");

    private final String chinese;
    private final String grade;
    private final String capSeverity;

    ReportLevel(String chinese, String grade, String capSeverity) {
        this.chinese = chinese;
        this.grade = grade;
        this.capSeverity = capSeverity;
    }

    /** The level's Chinese name, e.g. 重大. */
    public String chinese() {
        return chinese;
    }

    /** The grade, Ⅰ (gravest) to Ⅳ. */
    public String grade() {
        return grade;
    }

    /** The CAP 1.2 {@code severity} value. */
    public String capSeverity() {
        return capSeverity;
    }

    /** The lower-case English name used in configuration keys, e.g. {@code extraordinary}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * A level from its English name (any case) or its Chinese name.
     *
     * @throws DutyInputException naming the field {@code level} for anything else, also for empty text
     */
    public static ReportLevel parse(String text) {
        if (text == null || text.isBlank()) {
            throw new DutyInputException("level", "the report has no level (特别重大, 重大, 较大 or 一般)");
        }
        String t = text.strip();
        for (ReportLevel l : values()) {
            if (l.chinese.equals(t) || l.name().equalsIgnoreCase(t)) {
                return l;
            }
        }
        throw new DutyInputException("level", "unknown level '" + t + "' (特别重大, 重大, 较大 or 一般)");
    }
}
