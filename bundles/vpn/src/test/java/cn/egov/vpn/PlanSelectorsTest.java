package cn.egov.vpn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.rules.plan.AddressPlan;
import cn.egov.rules.plan.Zone;
import cn.egov.rules.unit.UnitCode;
import cn.egov.vpn.swanctl.TrafficSelector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tunnel's local subnets come from the province's own plan files (rules/plan). */
class PlanSelectorsTest {

    static final Path PLAN = Path.of("../../rules/plan");

    @Test
    void unitSubnetsComeFromItsAllocationsInTheZone() throws Exception {
        AddressPlan plan = PlanSelectors.readPlan(PLAN);
        List<TrafficSelector> external = PlanSelectors.localSubnets(plan, UnitCode.parse("130602-001"), Zone.EXTERNAL);
        assertEquals(List.of("198.18.80.16/28"), external.stream().map(TrafficSelector::toString).toList());
        List<TrafficSelector> internal = PlanSelectors.localSubnets(plan, UnitCode.parse("130602-001"), Zone.INTERNAL);
        assertEquals(2, internal.size(), "IPv4 and IPv6 allocations: " + internal);
        assertTrue(internal.stream().anyMatch(TrafficSelector::ipv6));
    }

    @Test
    void unitWithoutAllocationGetsNoTunnel() throws Exception {
        AddressPlan plan = PlanSelectors.readPlan(PLAN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlanSelectors.localSubnets(plan, UnitCode.parse("131182-999"), Zone.EXTERNAL));
        assertTrue(e.getMessage().contains("131182-999") && e.getMessage().contains("external"), e.getMessage());
    }

    @Test
    void brokenPlanIsRefusedWithFileAndLine(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("bad.plan"), "alloc 130602-001 external 198.18.80.16/99\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PlanSelectors.readPlan(dir));
        assertTrue(e.getMessage().contains("bad.plan:1"), e.getMessage());
    }
}
