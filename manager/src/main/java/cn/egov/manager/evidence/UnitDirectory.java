package cn.egov.manager.evidence;

import cn.egov.manager.fleet.BoxState;
import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.fleet.PlaceNames;
import cn.egov.rules.plan.AddressPlan;
import cn.egov.rules.plan.PlanUnit;
import cn.egov.rules.unit.UnitCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The units a report or the task book lists: every unit the address plan in force declares (a
 * unit without a box is still due its tasks) and every box in the fleet, in code order.
 */
public final class UnitDirectory {

    private final Supplier<Optional<AddressPlan>> plan;
    private final FleetRegistry fleet;
    private final PlaceNames names;

    public UnitDirectory(Supplier<Optional<AddressPlan>> plan, FleetRegistry fleet, PlaceNames names) {
        this.plan = plan;
        this.fleet = fleet;
        this.names = names;
    }

    /**
     * Whether {@code scope} exists: the province always, a city, county or unit when the plan in force
     * or the fleet has a unit in it (a mistyped {@code 130602-999} must not give a signed report on
     * no units that reads like an inspection).
     */
    public boolean knows(Scope scope) {
        return scope.isProvince() || codes(new java.util.HashMap<>()).keySet().stream().anyMatch(scope::covers);
    }

    /** The units in {@code scope} that {@code visible} admits (a technician's counties), in code order. */
    public List<UnitRef> units(Scope scope, Predicate<String> visible) {
        Map<String, Boolean> boxes = new java.util.HashMap<>();
        Map<String, String> found = codes(boxes);
        List<UnitRef> out = new ArrayList<>();
        found.forEach((code, name) -> {
            if (!UnitCode.isValid(code) || !scope.covers(code) || !visible.test(code)) {
                return;
            }
            UnitCode u = UnitCode.parse(code);
            out.add(new UnitRef(code, name == null || name.isBlank() ? code : name, u.cityCode(), name(u.cityCode()),
                    u.countyCode(), name(u.countyCode()), boxes.containsKey(code)));
        });
        return out;
    }

    /** Every unit code of the plan and the fleet with its name; the fleet's codes also go into {@code boxes}. */
    private Map<String, String> codes(Map<String, Boolean> boxes) {
        Map<String, String> found = new TreeMap<>();
        plan.get().ifPresent(p -> {
            for (PlanUnit u : p.units().values()) {
                found.put(u.owner().code(), u.name());
            }
        });
        for (BoxState b : fleet.list()) {
            boxes.put(b.clientId(), true);
            found.putIfAbsent(b.clientId(), b.displayName());
        }
        return found;
    }

    private String name(String code) {
        String n = names.name(code);
        return n == null ? code : n;
    }
}
