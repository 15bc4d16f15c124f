package cn.egov.api.policy;

import cn.egov.rules.unit.UnitCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which boxes a signed policy is for: named units, or every unit of some counties, cities or the
 * province. Codes are GB/T 2260 prefixes of the unit code ({@code CCCCCC-DDD}): a province has 2
 * digits, a city 4, a county 6.
 *
 * <p>Text form (the manifest, the CLI's {@code --scope}, the REST body):
 * <pre>{@code
 * PolicyScope.parse("unit:130602-001,130602-002");
 * PolicyScope.parse("county:130602");
 * PolicyScope.parse("city:1306,1301");
 * PolicyScope.parse("province:13").includes(UnitCode.parse("130602-001")); // true
 * }</pre>
 *
 * @param kind  what the codes name
 * @param codes at least one code, each well-formed for {@code kind}, sorted and without repeats
 */
public record PolicyScope(Kind kind, List<String> codes) {

    /** What a scope's codes name. */
    public enum Kind {
        /** Unit codes {@code CCCCCC-DDD}. */
        UNIT("\\d{6}-\\d{3}"),
        /** 6-digit county codes. */
        COUNTY("\\d{6}"),
        /** 4-digit city (prefecture) codes. */
        CITY("\\d{4}"),
        /** 2-digit province codes. */
        PROVINCE("\\d{2}");

        private final String pattern;

        Kind(String pattern) {
            this.pattern = pattern;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public PolicyScope {
        if (kind == null) {
            throw new IllegalArgumentException("scope kind is missing");
        }
        if (codes == null || codes.isEmpty()) {
            throw new IllegalArgumentException("scope " + kind.label() + " names no code");
        }
        for (String c : codes) {
            if (c == null || !c.matches(kind.pattern)) {
                throw new IllegalArgumentException("scope " + kind.label() + ": '" + c + "' is not a " + kind.label() + " code");
            }
        }
        codes = codes.stream().distinct().sorted().toList();
    }

    /** Parses {@code kind:code[,code...]}; the error names the part that is wrong. */
    public static PolicyScope parse(String text) {
        if (text == null || !text.contains(":")) {
            throw new IllegalArgumentException("scope must be kind:code[,code...] with kind unit, county, city or province; got '" + text + "'");
        }
        String k = text.substring(0, text.indexOf(':')).trim();
        Kind kind;
        try {
            kind = Kind.valueOf(k.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("scope kind '" + k + "' is not one of unit, county, city, province");
        }
        List<String> codes = new ArrayList<>();
        for (String c : text.substring(text.indexOf(':') + 1).split(",")) {
            if (!c.isBlank()) {
                codes.add(c.trim());
            }
        }
        return new PolicyScope(kind, codes);
    }

    /** True when a box of {@code unit} is a target of this scope. */
    public boolean includes(UnitCode unit) {
        String key = switch (kind) {
            case UNIT -> unit.toString();
            case COUNTY -> unit.countyCode();
            case CITY -> unit.cityCode();
            case PROVINCE -> unit.provinceCode();
        };
        return codes.contains(key);
    }

    /** The text form, {@code kind:code,code}. */
    @Override
    public String toString() {
        return kind.label() + ":" + String.join(",", codes);
    }
}
