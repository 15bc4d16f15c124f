package cn.egov.manager.ca;

import cn.egov.rules.unit.UnitCode;
import java.util.Optional;

/**
 * Which units may get a box certificate, and under which DNS names: the province's address plan
 * decides, not the operator who types {@code manager ca token}. Asked when a token is issued, and
 * again when a token or a current certificate is used at EST (a row written by an older version,
 * or before the plan changed, cannot carry a name the plan no longer gives that unit).
 *
 * <pre>{@code
 * UnitNames names = PlanUnitNames.of(plan);
 * names.refusal(UnitCode.parse("130602-001"), "jyj.jingxiu.gov.cn"); // empty: the plan gives it that name
 * names.refusal(UnitCode.parse("130602-001"), "slj.bd.gov.cn");      // "... belongs to 130600-012 ..."
 * }</pre>
 */
@FunctionalInterface
public interface UnitNames {

    /**
     * Why {@code unit} may not have a certificate (naming {@code domain}, when not null), or empty
     * when it may. The text is one line a technician can act on.
     */
    Optional<String> refusal(UnitCode unit, String domain);

    /** No address plan: every request is refused, saying how to give the CA one. */
    static UnitNames noPlan(String howToProvideOne) {
        return (unit, domain) -> Optional.of("the CA has no address plan to check unit " + unit + " against; " + howToProvideOne);
    }
}
