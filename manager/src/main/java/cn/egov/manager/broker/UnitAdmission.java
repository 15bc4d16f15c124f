package cn.egov.manager.broker;

import java.util.Optional;

/**
 * Whether a unit code may be a box here at all: a division of the province, and declared in the
 * address plan in force. Asked at every CONNECT of a box, after its credentials.
 */
@FunctionalInterface
public interface UnitAdmission {

    /** Empty when the unit may connect, else the refusal ({@link ConnectRefusal#OUTSIDE_PROVINCE}, {@link ConnectRefusal#NOT_IN_PLAN}). */
    Optional<Verdict.Refused> check(String unitCode);

    /** This check, then {@code next} for a unit this one admits. */
    default UnitAdmission and(UnitAdmission next) {
        return unit -> {
            Optional<Verdict.Refused> refused = check(unit);
            return refused.isPresent() ? refused : next.check(unit);
        };
    }
}
