package cn.egov.api.identity;

import cn.egov.rules.unit.UnitCode;

/**
 * Who a box is. Its MQTT client id, its certificate's subject and the topics it may publish
 * under all derive from the unit code, so a box can act only as itself.
 *
 * @param unit        the unit the box serves
 * @param serial      the hardware serial number
 * @param displayName a name a technician recognises, e.g. "保定市水利局"
 */
public record BoxIdentity(UnitCode unit, String serial, String displayName) {

    public BoxIdentity {
        java.util.Objects.requireNonNull(unit, "unit");
        if (serial == null || serial.isBlank()) {
            throw new IllegalArgumentException("serial number is missing");
        }
        displayName = displayName == null || displayName.isBlank() ? unit.toString() : displayName;
    }

    /** The MQTT client id: the unit code, e.g. {@code 130602-001}. */
    public String clientId() {
        return unit.toString();
    }
}
