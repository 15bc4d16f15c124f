package cn.egov.exchange.model;

import java.util.Locale;

/** 紧急程度 of an official document. Decides its priority on the wire (特急 overtakes 平件). */
public enum Urgency {
    /** 特急 */
    EXTRA_URGENT("特急"),
    /** 加急 */
    URGENT("加急"),
    /** 平件 */
    ROUTINE("平件");

    private final String chinese;

    Urgency(String chinese) {
        this.chinese = chinese;
    }

    public String chinese() {
        return chinese;
    }

    /** From {@code 特急}, {@code extra_urgent}, {@code EXTRA-URGENT}... */
    public static Urgency parse(String text) {
        String t = text == null ? "" : text.strip();
        for (Urgency u : values()) {
            if (u.chinese.equals(t) || u.name().equals(t.toUpperCase(Locale.ROOT).replace('-', '_'))) {
                return u;
            }
        }
        throw new DocumentRefused("urgency", "'" + t + "' is not 特急, 加急 or 平件 (extra_urgent, urgent, routine)");
    }
}
