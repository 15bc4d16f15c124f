package cn.egov.duty;

/**
 * Who acts on the duty desk, as the console authenticated them.
 *
 * @param name        the account name
 * @param unit        the unit code the account belongs to
 * @param dutyOfficer holds the DUTY_OFFICER role (registers events, files reports, asks for swaps)
 * @param technician  holds the TECHNICIAN role (may edit the roster and decide swaps, like a duty lead)
 */
public record DutyActor(String name, String unit, boolean dutyOfficer, boolean technician) {
    public DutyActor {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an actor needs a name");
        }
        unit = unit == null ? "" : unit;
    }
}
