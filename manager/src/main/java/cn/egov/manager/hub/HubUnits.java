package cn.egov.manager.hub;

import cn.egov.rules.plan.AddressPlan;
import cn.egov.rules.plan.Allocation;
import cn.egov.rules.plan.Zone;
import cn.egov.rules.unit.UnitCode;
import cn.egov.vpn.PlanSelectors;
import cn.egov.vpn.swanctl.TrafficSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The units the hub accepts, from the address plan: every unit with an allocation in the zone. */
public final class HubUnits {

    private HubUnits() {
    }

    public static List<HubUnit> fromPlan(AddressPlan plan, Zone zone) {
        Map<UnitCode, List<TrafficSelector>> byUnit = new TreeMap<>();
        for (Allocation a : plan.allocations()) {
            if (a.zone() == zone && a.owner().isUnit()) {
                byUnit.computeIfAbsent(a.owner().unit().orElseThrow(), u -> new ArrayList<>()).add(PlanSelectors.selector(a));
            }
        }
        List<HubUnit> out = new ArrayList<>();
        byUnit.forEach((unit, subnets) -> out.add(new HubUnit(unit, subnets)));
        return out;
    }
}
