package cn.egov.rules.unit;

/**
 * Identity of a unit (a county office or department) in the provincial hierarchy.
 *
 * <p>The code is the 6-digit GB/T 2260 county-level division code followed by a 3-digit
 * department code, written {@code 130602-001}. Department {@code 000} is the county
 * government itself. The province ({@code 13}), city ({@code 1306}) and county
 * ({@code 130602}) are derived from it, so one string places a box in the hierarchy.
 *
 * <pre>{@code
 * UnitCode unit = UnitCode.parse("130602-001");
 * unit.cityCode();   // "1306"  (Baoding)
 * unit.countyCode(); // "130602"
 * }</pre>
 *
 * @param county     six-digit county-level division code
 * @param department three-digit department code within the county
 */
public record UnitCode(String county, String department) implements Comparable<UnitCode> {

    public UnitCode {
        if (!digits(county, 6)) {
            throw new IllegalArgumentException("county code must be 6 digits (GB/T 2260), got '" + county + "'");
        }
        if (!digits(department, 3)) {
            throw new IllegalArgumentException("department code must be 3 digits, got '" + department + "'");
        }
    }

    /** Parses {@code CCCCCC-DDD}; the error names the expected form. */
    public static UnitCode parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("unit code is missing; expected CCCCCC-DDD, e.g. 130602-001");
        }
        int dash = text.indexOf('-');
        if (dash != 6 || text.length() != 10) {
            throw new IllegalArgumentException("unit code '" + text + "' is not of the form CCCCCC-DDD, e.g. 130602-001");
        }
        return new UnitCode(text.substring(0, 6), text.substring(7));
    }

    /** True when {@code text} parses as a unit code; checked without parsing (ingestion asks for every message). */
    public static boolean isValid(String text) {
        return text != null && text.length() == 10 && text.charAt(6) == '-' && digits(text, 0, 6) && digits(text, 7, 10);
    }

    /** ASCII digits only, by hand: a regex matcher per code was a sixth of the ingest decoder's work in the storm. */
    private static boolean digits(String s, int length) {
        return s != null && s.length() == length && digits(s, 0, length);
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    public String provinceCode() {
        return county.substring(0, 2);
    }

    public String cityCode() {
        return county.substring(0, 4);
    }

    public String countyCode() {
        return county;
    }

    @Override
    public String toString() {
        return county + "-" + department;
    }

    @Override
    public int compareTo(UnitCode other) {
        // the order of the written codes: both parts have a fixed width, so county then department
        int byCounty = county.compareTo(other.county);
        return byCounty != 0 ? byCounty : department.compareTo(other.department);
    }
}
