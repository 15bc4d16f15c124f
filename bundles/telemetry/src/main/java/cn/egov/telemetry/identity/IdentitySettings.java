package cn.egov.telemetry.identity;

import cn.egov.api.identity.BoxIdentity;
import cn.egov.rules.unit.UnitCode;
import cn.egov.telemetry.ConfigValues;
import java.util.regex.Pattern;

/** Turns identity configuration into a {@link BoxIdentity}, with errors that name the key. */
public final class IdentitySettings {
    public static final String PID = "cn.egov.identity";
    public static final String UNIT_CODE = "unit.code";
    public static final String SERIAL_NUMBER = "serial.number";
    public static final String DISPLAY_NAME = "display.name";

    /** Serial numbers go into BIRTH and certificates: printable, no separators that break topics or DNs. */
    private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int MAX_DISPLAY_NAME = 128;

    private IdentitySettings() {
    }

    public static BoxIdentity parse(ConfigValues config) {
        String unitText = config.required(UNIT_CODE);
        UnitCode unit;
        try {
            unit = UnitCode.parse(unitText);
        } catch (IllegalArgumentException e) {
            throw config.error(UNIT_CODE, "is invalid: " + e.getMessage());
        }
        String serial = config.required(SERIAL_NUMBER);
        if (!SERIAL.matcher(serial).matches()) {
            throw config.error(SERIAL_NUMBER, "'" + serial + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        String name = config.string(DISPLAY_NAME, null);
        if (name != null && (name.length() > MAX_DISPLAY_NAME || name.chars().anyMatch(Character::isISOControl))) {
            throw config.error(DISPLAY_NAME, "must be at most " + MAX_DISPLAY_NAME + " printable characters");
        }
        return new BoxIdentity(unit, serial, name);
    }
}
