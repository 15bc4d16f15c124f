package cn.egov.manager.evidence;

import cn.egov.manager.web.QueryFilters;
import cn.egov.rules.unit.UnitCode;

/**
 * What a report covers: the province ({@code 13}), a city ({@code 1306}), a county ({@code 130602})
 * or one unit ({@code 130602-001}). Every unit whose code starts with {@link #prefix()} is in it.
 *
 * @param code the division or unit code
 */
public record Scope(String code) {

    /**
     * The answer to a scope that does not exist and to one the caller may not see, alike: a technician
     * learns nothing about other counties from it.
     */
    public static final String UNKNOWN = "no such scope";

    /** The province this manager serves. */
    public static final String PROVINCE = "13";

    public Scope {
        if (!(code.equals(PROVINCE) || code.matches("13\\d{2}") || code.matches("13\\d{4}") || UnitCode.isValid(code) && code.startsWith(PROVINCE))) {
            throw QueryFilters.bad("scope", "the province (13), a city (1306), a county (130602) or a unit (130602-001) of the province", code);
        }
    }

    /** The scope of {@code text}; empty or {@code province} is the province. */
    public static Scope parse(String text) {
        return new Scope(text == null || text.isBlank() || text.strip().equals("province") ? PROVINCE : text.strip());
    }

    public boolean isProvince() {
        return code.equals(PROVINCE);
    }

    public boolean isUnit() {
        return code.length() == 10;
    }

    /** The prefix of the unit codes in scope. */
    public String prefix() {
        return code;
    }

    public boolean covers(String unit) {
        return unit.startsWith(code);
    }
}
