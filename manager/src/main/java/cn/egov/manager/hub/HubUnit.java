package cn.egov.manager.hub;

import cn.egov.rules.unit.UnitCode;
import cn.egov.vpn.swanctl.TrafficSelector;
import java.util.List;

/**
 * A unit as the hub sees it: who may connect and which subnets its tunnel may carry (the unit's
 * allocation in the address plan).
 *
 * @param unit    the unit code; its box authenticates with the certificate whose CN is this code
 * @param subnets the unit's subnets, the hub's remote traffic selectors for it
 */
public record HubUnit(UnitCode unit, List<TrafficSelector> subnets) {

    public HubUnit {
        java.util.Objects.requireNonNull(unit, "unit");
        subnets = List.copyOf(subnets);
        if (subnets.isEmpty()) {
            throw new IllegalArgumentException("unit " + unit + " has no subnets: its tunnel would carry nothing");
        }
    }
}
