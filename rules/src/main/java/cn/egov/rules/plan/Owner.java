package cn.egov.rules.plan;

import cn.egov.rules.unit.UnitCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who holds an allocation or a domain name: the province ({@code 13}), a prefecture-level city
 * ({@code 1306}), a county-level division ({@code 130602}) or a unit ({@code 130602-001}). A
 * city-level department is a unit of the city's {@code 00} county code ({@code 130600-012}), a
 * provincial one of {@code 130000-DDD}. The parent of a unit is its county (or its city or
 * province for those forms), of a county its city, of a city the province.
 *
 * @param code the owner's code as written in the plan
 */
public record Owner(String code) implements Comparable<Owner> {

    public Owner {
        if (!valid(code)) {
            throw new IllegalArgumentException("owner '" + code
                    + "' must be a division code (13, 1306, 130602) or a unit code (130602-001)");
        }
    }

    /** True when {@code code} is a well-formed division or unit code. */
    public static boolean isValid(String code) {
        return valid(code);
    }

    private static boolean valid(String c) {
        if (c == null) {
            return false;
        }
        int n = c.length();
        if (n == 2 || n == 4 || n == 6) {
            return digits(c, 0, n);
        }
        return UnitCode.isValid(c); // the unit code's own check, one definition of its form
    }

    private static boolean digits(String c, int from, int to) {
        for (int i = from; i < to; i++) {
            char ch = c.charAt(i);
            if (ch < '0' || ch > '9') {
                return false;
            }
        }
        return true;
    }

    public static Owner of(UnitCode unit) {
        return new Owner(unit.toString());
    }

    /** True for a unit (department or government office), false for a division. */
    public boolean isUnit() {
        return code.length() == 10;
    }

    /** The unit code, for unit owners. */
    public Optional<UnitCode> unit() {
        return isUnit() ? Optional.of(UnitCode.parse(code)) : Optional.empty();
    }

    /** For a unit, the department part ({@code 001}); empty for a division. */
    public String department() {
        return isUnit() ? code.substring(7) : "";
    }

    /**
     * The division this owner belongs to (itself for a division): {@code 130602-001} → {@code 130602},
     * {@code 130600-012} → {@code 1306}, {@code 130000-003} → {@code 13}.
     */
    public String division() {
        String d = isUnit() ? code.substring(0, 6) : code;
        while (d.length() > 2 && d.endsWith("00")) {
            d = d.substring(0, d.length() - 2);
        }
        return d;
    }

    /** The parent owner, empty for the province. */
    public Optional<Owner> parent() {
        if (isUnit()) {
            return Optional.of(new Owner(division()));
        }
        return code.length() == 2 ? Optional.empty() : Optional.of(new Owner(code.substring(0, code.length() - 2)));
    }

    /** Parents from the nearest up to the province. */
    public List<Owner> ancestors() {
        List<Owner> out = new ArrayList<>(4);
        Optional<Owner> p = parent();
        while (p.isPresent()) {
            out.add(p.get());
            p = p.get().parent();
        }
        return out;
    }

    /** True when this owner is a (strict) ancestor of {@code other}. */
    public boolean isAncestorOf(Owner other) {
        if (isUnit() || other.code.equals(code)) {
            return false;
        }
        String od = other.isUnit() ? other.code.substring(0, 6) : other.code;
        // a division is an ancestor of every code that starts with it (and of its 00-padded units)
        return od.startsWith(code) && (other.isUnit() || other.code.length() > code.length());
    }

    @Override
    public int compareTo(Owner o) {
        return code.compareTo(o.code);
    }

    @Override
    public String toString() {
        return code;
    }
}
