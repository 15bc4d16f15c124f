package cn.egov.manager.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.rules.plan.AddressPlan;
import cn.egov.rules.plan.Divisions;
import cn.egov.rules.plan.PlanParser;
import cn.egov.rules.unit.UnitCode;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Which units may be boxes: Hebei's divisions, and the plan in force (rules/plan) once there is one. */
class KnownUnitsTest {

    private final AtomicReference<Optional<AddressPlan>> plan = new AtomicReference<>(Optional.empty());
    private final KnownUnits known = new KnownUnits(Divisions.hebei(), plan::get);

    @Test
    void outsideTheProvinceOrNoDivisionOfIt() {
        assertEquals(KnownUnits.Verdict.OUTSIDE_PROVINCE, known.check("999999-001").verdict());
        assertTrue(known.check("999999-001").detail().contains("not in province 13 (河北省)"), known.check("999999-001").detail());
        assertEquals(KnownUnits.Verdict.OUTSIDE_PROVINCE, known.check("110101-001").verdict(), "Beijing");
        assertEquals(KnownUnits.Verdict.OUTSIDE_PROVINCE, known.check("130699-001").verdict(), "no such county in Baoding");
        assertEquals(KnownUnits.Verdict.OUTSIDE_PROVINCE, known.check("not-a-unit").verdict());
        assertEquals(KnownUnits.Verdict.KNOWN, known.check("130602-099").verdict(), "without a plan: any unit of a division");
        assertEquals(KnownUnits.Verdict.KNOWN, known.check("130600-012").verdict(), "a city-level department");
        assertEquals(KnownUnits.Verdict.KNOWN, known.check("130000-001").verdict(), "a provincial department");
    }

    @Test
    void withAPlanInForceOnlyItsUnits() throws Exception {
        plan.set(Optional.of(rulesPlan()));
        assertEquals(KnownUnits.Verdict.KNOWN, known.check("130602-001").verdict());
        assertEquals(KnownUnits.Verdict.KNOWN, known.check("130600-012").verdict());
        assertEquals(KnownUnits.Verdict.NOT_IN_PLAN, known.check("130602-099").verdict());
        assertEquals(KnownUnits.Verdict.OUTSIDE_PROVINCE, known.check("999999-001").verdict(), "the province first");
        for (String code : java.util.List.of("130602-001", "130600-012", "130602-099", "999999-001", "130699-001")) {
            assertEquals(known.check(code), known.check(UnitCode.parse(code)), "ingestion's parsed code gets the same answer: " + code);
        }
    }

    static AddressPlan rulesPlan() throws Exception {
        return PlanParser.forHebei().parse(Path.of("..", "rules", "plan").toAbsolutePath().normalize()).plan();
    }
}
