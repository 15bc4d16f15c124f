package cn.egov.manager.fleet;

import cn.egov.rules.plan.AddressPlan;
import cn.egov.rules.plan.Divisions;
import cn.egov.rules.unit.UnitCode;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Which unit codes may be boxes of this manager: a unit of a division of the province
 * ({@code 999999-001} is not), declared in the address plan in force when a plan was imported.
 * The broker asks at every CONNECT of a box; ingestion asks again for every message (an external
 * broker cannot ask), so an unknown unit never enters the fleet.
 */
public final class KnownUnits {

    /** The answer for one unit code. */
    public enum Verdict {
        KNOWN,
        /** Not a unit of a division of the province (or not a unit code at all). */
        OUTSIDE_PROVINCE,
        /** In the province, but the plan in force does not declare it. */
        NOT_IN_PLAN
    }

    /**
     * @param verdict the answer
     * @param detail  what is wrong, for the log and the alarm (empty when known)
     */
    public record Check(Verdict verdict, String detail) {
        public boolean known() {
            return verdict == Verdict.KNOWN;
        }
    }

    private final Divisions province;
    private final String provinceCode;
    private final Supplier<Optional<AddressPlan>> plan;

    /**
     * @param province the province's divisions (GB/T 2260)
     * @param plan     the address plan in force, empty while none was imported (then only the province is checked)
     */
    public KnownUnits(Divisions province, Supplier<Optional<AddressPlan>> plan) {
        this.province = province;
        this.provinceCode = province.all().stream().filter(d -> d.level() == 1).map(Divisions.Division::code).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the division list names no province"));
        this.plan = plan;
    }

    public Check check(String unitCode) {
        if (!UnitCode.isValid(unitCode)) {
            return new Check(Verdict.OUTSIDE_PROVINCE, "'" + unitCode + "' is not a unit code");
        }
        return check(UnitCode.parse(unitCode));
    }

    /** The same for a unit code parsed already (ingestion's, once per message). */
    public Check check(UnitCode unit) {
        String unitCode = unit.toString();
        if (!unit.provinceCode().equals(provinceCode)) {
            return new Check(Verdict.OUTSIDE_PROVINCE, "unit " + unit + " is not in province " + provinceCode + " ("
                    + province.name(provinceCode) + ")");
        }
        if (!province.contains(unit.county())) {
            return new Check(Verdict.OUTSIDE_PROVINCE, "unit " + unit + ": " + unit.county() + " is no division of "
                    + province.name(provinceCode));
        }
        Optional<AddressPlan> inForce = plan.get();
        if (inForce.isPresent() && !inForce.get().units().containsKey(unitCode)) {
            return new Check(Verdict.NOT_IN_PLAN, "unit " + unit + " is not declared in the address plan in force");
        }
        return new Check(Verdict.KNOWN, "");
    }
}
