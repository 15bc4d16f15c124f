package cn.egov.api.duty;

import java.util.Locale;

/** What a person does on a shift of the duty roster. */
public enum ShiftRole {
    /** 带班领导: the duty lead of the shift; approves swaps of the unit's roster. */
    LEAD("带班领导"),
    /** 值班员: the duty officer who takes calls and files reports. */
    OFFICER("值班员");

    private final String chinese;

    ShiftRole(String chinese) {
        this.chinese = chinese;
    }

    public String chinese() {
        return chinese;
    }

    /** A role from its English name (any case) or its Chinese name. */
    public static ShiftRole parse(String text) {
        String t = text == null ? "" : text.strip();
        for (ShiftRole r : values()) {
            if (r.chinese.equals(t) || r.name().equals(t.toUpperCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new DutyInputException("role", "unknown shift role '" + t + "' (带班领导/lead or 值班员/officer)");
    }
}
