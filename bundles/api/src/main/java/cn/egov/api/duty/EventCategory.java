package cn.egov.api.duty;

import java.util.Locale;

/**
 * The four classes of emergencies of the national plans (GB/T 35561), each with the CAP 1.2
 * {@code category} it exports as.
 */
public enum EventCategory {
    /** 自然灾害: floods, earthquakes, geological hazards, weather. */
    NATURAL("自然灾害", "Geo"),
    /** 事故灾难: industrial, traffic, fire, infrastructure accidents. */
    ACCIDENT("事故灾难", "Safety"),
    /** 公共卫生事件. */
    PUBLIC_HEALTH("公共卫生事件", "Health"),
    /** 社会安全事件. */
    SOCIAL_SECURITY("社会安全事件", "Security");

    private final String chinese;
    private final String capCategory;

    EventCategory(String chinese, String capCategory) {
        this.chinese = chinese;
        this.capCategory = capCategory;
    }

    public String chinese() {
        return chinese;
    }

    /** The CAP 1.2 {@code category} value. */
    public String capCategory() {
        return capCategory;
    }

    /** A category from its English name ({@code public_health}) or its Chinese name. */
    public static EventCategory parse(String text) {
        if (text == null || text.isBlank()) {
            throw new DutyInputException("category", "the report has no category (自然灾害, 事故灾难, 公共卫生事件 or 社会安全事件)");
        }
        String t = text.strip();
        for (EventCategory c : values()) {
            if (c.chinese.equals(t) || c.name().equals(t.toUpperCase(Locale.ROOT).replace('-', '_'))) {
                return c;
            }
        }
        throw new DutyInputException("category", "unknown category '" + t + "' (自然灾害, 事故灾难, 公共卫生事件 or 社会安全事件)");
    }
}
