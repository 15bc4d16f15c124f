package cn.egov.api.duty;

import cn.egov.api.time.BeijingTime;
import cn.egov.rules.unit.UnitCode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.regex.Pattern;

/**
 * The 31-character identifier of one report, in the form GB/T 35965.1-2018 (appendix A.1.1) gives
 * early-warning messages: {@code ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N}.
 *
 * <ul>
 *   <li>{@code ZZZZZZDDDUUUXX}, the sender code ({@link #senderCode}): the unit's six-digit GB/T 2260
 *       county code, its three-digit department code (standing in for the GB/T 4657 body code),
 *       {@code 000} (internal sub-unit) and {@code 00} (extension);</li>
 *   <li>{@code YYYYMMDDhhmmss}: when the report was entered, in Beijing time (UTC+8);</li>
 *   <li>{@code N}: 0–9, telling apart reports of one unit entered within the same second.</li>
 * </ul>
 *
 * <pre>{@code
 * CapIdentifier id = CapIdentifier.of(UnitCode.parse("130602-001"), Instant.parse("2026-07-01T01:31:25Z"), 0);
 * id.toString();  // "13060200100000_20260701093125_0"
 * CapIdentifier.parse("13060200100000_20260701093125_0").unit();  // 130602-001
 * }</pre>
 *
 * @param unit    the reporting unit
 * @param entered when the report was entered, to the second
 * @param serial  0–9
 */
public record CapIdentifier(UnitCode unit, Instant entered, int serial) {

    /** Length of every identifier. */
    public static final int LENGTH = 31;
    /** GB/T 35965.1 times are Beijing time. */
    public static final ZoneOffset BEIJING = BeijingTime.ZONE;
    private static final Pattern FORM = Pattern.compile("\\d{14}_\\d{14}_\\d");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("uuuuMMddHHmmss").withResolverStyle(ResolverStyle.STRICT);

    public CapIdentifier {
        java.util.Objects.requireNonNull(unit, "unit");
        java.util.Objects.requireNonNull(entered, "entered");
        if (serial < 0 || serial > 9) {
            throw new DutyInputException("id", "the serial of an identifier is one digit 0-9, got " + serial);
        }
        entered = Instant.ofEpochSecond(entered.getEpochSecond());
    }

    public static CapIdentifier of(UnitCode unit, Instant entered, int serial) {
        return new CapIdentifier(unit, entered, serial);
    }

    /** The 14-digit sender code {@code ZZZZZZDDDUUUXX} of a unit (also the CAP {@code sender}). */
    public static String senderCode(UnitCode unit) {
        return unit.countyCode() + unit.department() + "000" + "00";
    }

    /**
     * Reads an identifier; the error (field {@code id}) says what is wrong with it.
     */
    public static CapIdentifier parse(String text) {
        if (text == null || text.length() != LENGTH || !FORM.matcher(text).matches()) {
            throw new DutyInputException("id", "report identifier '" + shorten(text)
                    + "' is not of the form ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N (31 characters, GB/T 35965.1)");
        }
        if (!text.startsWith("00000", 9)) {
            throw new DutyInputException("id", "report identifier '" + text + "' must have 000 and 00 after the unit code (positions 10-14)");
        }
        UnitCode unit = new UnitCode(text.substring(0, 6), text.substring(6, 9));
        LocalDateTime at;
        try {
            at = LocalDateTime.parse(text.substring(15, 29), STAMP);
        } catch (DateTimeParseException e) {
            throw new DutyInputException("id", "report identifier '" + text + "' has no valid time YYYYMMDDhhmmss");
        }
        return new CapIdentifier(unit, at.toInstant(BEIJING), text.charAt(30) - '0');
    }

    /** True when {@code text} is a well-formed identifier. */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (DutyInputException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return senderCode(unit) + "_" + STAMP.format(LocalDateTime.ofInstant(entered, BEIJING)) + "_" + serial;
    }

    private static String shorten(String s) {
        return s == null ? "" : s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
