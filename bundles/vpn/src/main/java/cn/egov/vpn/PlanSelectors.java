package cn.egov.vpn;

import cn.egov.rules.plan.AddressPlan;
import cn.egov.rules.plan.Allocation;
import cn.egov.rules.plan.IpPrefix;
import cn.egov.rules.plan.Owner;
import cn.egov.rules.plan.PlanParser;
import cn.egov.rules.plan.Zone;
import cn.egov.rules.unit.UnitCode;
import cn.egov.vpn.swanctl.TrafficSelector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The tunnel's local traffic selectors from the address plan: the unit's own allocations in the
 * zone the backbone carries (the external network, 公务外网, unless configured otherwise). A
 * unit without such an allocation gets no tunnel, with an error saying so.
 */
public final class PlanSelectors {

    private PlanSelectors() {
    }

    public static List<TrafficSelector> localSubnets(AddressPlan plan, UnitCode unit, Zone zone) {
        List<TrafficSelector> out = new ArrayList<>();
        for (Allocation a : plan.allocationsOf(Owner.of(unit))) {
            if (a.zone() == zone) {
                out.add(selector(a));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("the address plan gives unit " + unit + " no " + zone.label()
                    + " allocation; its tunnel would carry nothing");
        }
        return out;
    }

    /** Reads a plan file or folder; a plan with syntax errors is refused with every finding. */
    public static AddressPlan readPlan(Path fileOrDirectory) throws IOException {
        PlanParser.Result r = PlanParser.forHebei().parse(fileOrDirectory);
        if (!r.ok()) {
            throw new IllegalArgumentException("address plan " + fileOrDirectory + " has errors:\n"
                    + r.findings().stream().map(Object::toString).collect(Collectors.joining("\n")));
        }
        return r.plan();
    }

    /** One allocation as a selector; the field named in errors is the plan line it came from. */
    public static TrafficSelector selector(Allocation a) {
        IpPrefix p = a.prefix();
        return TrafficSelector.parse(String.valueOf(a.source()), p.addressText() + "/" + p.length());
    }
}
