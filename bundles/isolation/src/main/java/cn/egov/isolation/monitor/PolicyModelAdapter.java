package cn.egov.isolation.monitor;

import cn.egov.rules.plan.AddressPlan;
import cn.egov.rules.plan.Aggregate;
import cn.egov.rules.plan.Allocation;
import cn.egov.rules.plan.IpPrefix;
import cn.egov.rules.plan.Owner;
import cn.egov.rules.policy.FlowRule;
import cn.egov.rules.policy.IsolationPolicy;
import cn.egov.rules.policy.PortRange;
import cn.egov.rules.policy.Protocol;
import cn.egov.rules.policy.Service;
import cn.egov.rules.policy.Tunnel;
import cn.egov.rules.policy.Zone;
import cn.egov.rules.unit.UnitCode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the classifier's {@link ClassificationPolicy} from the policy model ({@code rules/policy})
 * and the address plan ({@code rules/plan}):
 * <ul>
 *   <li>zones, their prefixes and the box's interfaces come from the policy; a zone's role from
 *       its name ({@code internal}, {@code external}, {@code backbone}, {@code internet-access},
 *       {@code management});</li>
 *   <li>with a unit, its own allocations in the plan are added to the zone of the same name
 *       ({@code internal}; {@code external} and {@code private} to {@code external}), so that
 *       captures without interface names can still be placed;</li>
 *   <li>the same allocations, and only they, are the unit's host plan: a host on an internal or
 *       external LAN outside them is an unplanned host (without a unit, or for a unit the plan gives
 *       nothing, that check is off and says why);</li>
 *   <li>the planned government prefixes are every aggregate of the plan;</li>
 *   <li>the backbone prefixes are those of the zone that the policy's tunnel leads into;</li>
 *   <li>allowed flows are the flows and exceptions in force on the day, except those to the box
 *       itself (the monitor watches traffic through the box, not to it).</li>
 * </ul>
 */
public final class PolicyModelAdapter {

    private static final String INTERNAL = "internal";
    private static final String EXTERNAL = "external";
    private static final String BACKBONE = "backbone";

    private PolicyModelAdapter() {
    }

    /** @param unit the unit whose allocations to add, or null */
    public static ClassificationPolicy adapt(IsolationPolicy policy, AddressPlan plan, UnitCode unit, LocalDate day) {
        Map<String, List<Prefix>> prefixes = new LinkedHashMap<>();
        for (Zone z : policy.zones()) {
            prefixes.put(z.name(), new ArrayList<>(z.prefixes().stream().map(p -> Prefix.parse(p.toString())).toList()));
        }
        ClassificationPolicy.HostPlan hostPlan = ClassificationPolicy.HostPlan.off(ClassificationPolicy.HostPlan.NO_UNIT);
        if (unit != null) {
            List<Allocation> own = plan.allocationsOf(Owner.of(unit));
            Map<String, List<Prefix>> byZone = new LinkedHashMap<>();
            for (String lan : List.of(INTERNAL, EXTERNAL)) {
                if (prefixes.containsKey(lan)) {
                    byZone.put(lan, new ArrayList<>());
                }
            }
            for (Allocation a : own) {
                String zone = planZone(a);
                if (prefixes.containsKey(zone)) {
                    prefixes.get(zone).add(prefix(a.prefix()));
                    byZone.get(zone).add(prefix(a.prefix()));
                }
            }
            hostPlan = own.isEmpty()
                    ? ClassificationPolicy.HostPlan.off("the address plan gives unit " + unit + " no allocation")
                    : ClassificationPolicy.HostPlan.of(unit.toString(), byZone);
        }
        List<ClassificationPolicy.Zone> zones = policy.zones().stream()
                .map(z -> new ClassificationPolicy.Zone(z.name(), ClassificationPolicy.Role.ofZoneName(z.name()), prefixes.get(z.name())))
                .toList();
        List<ClassificationPolicy.Interface> interfaces = policy.interfaces().stream()
                .map(i -> new ClassificationPolicy.Interface(i.name(), i.zones())).toList();
        List<Prefix> planned = plan.aggregates().stream().map(Aggregate::prefix).map(PolicyModelAdapter::prefix).toList();

        Tunnel tunnel = policy.tunnelInto(BACKBONE).orElse(policy.tunnels().isEmpty() ? null : policy.tunnels().get(0));
        List<Prefix> backbone = tunnel == null
                ? (prefixes.containsKey(BACKBONE) ? prefixes.get(BACKBONE) : List.of())
                : prefixes.getOrDefault(tunnel.zone(), List.of());
        ClassificationPolicy.Tunnel t = tunnel == null ? ClassificationPolicy.Tunnel.none()
                : new ClassificationPolicy.Tunnel(tunnel.iface(), tunnel.peers().stream().map(p -> Prefix.parse(p.toString())).toList());

        List<ClassificationPolicy.AllowedFlow> flows = new ArrayList<>();
        for (FlowRule f : policy.allowedFlows(day)) {
            if (f.to().equals(Zone.BOX) || f.from().equals(Zone.BOX)) {
                continue;
            }
            List<ClassificationPolicy.Service> services = new ArrayList<>();
            for (String name : f.services()) {
                if (name.equals(Service.ANY)) {
                    services.add(ClassificationPolicy.Service.any());
                } else {
                    Service s = policy.service(name).orElseThrow(() -> new IllegalArgumentException(
                            f.origin() + ": " + f.label() + " names unknown service '" + name + "'"));
                    services.addAll(services(s));
                }
            }
            if (services.isEmpty()) {
                services.add(ClassificationPolicy.Service.any());
            }
            flows.add(new ClassificationPolicy.AllowedFlow(f.label(), f.from(), f.to(), services,
                    f.sources().stream().map(p -> Prefix.parse(p.toString())).toList(),
                    f.destinations().stream().map(p -> Prefix.parse(p.toString())).toList()));
        }
        return new ClassificationPolicy(zones, interfaces, planned, backbone, t, flows, hostPlan);
    }

    /** The policy zone of a plan allocation: the external network's public and private blocks both serve {@code external}. */
    private static String planZone(Allocation a) {
        return switch (a.zone()) {
            case INTERNAL -> INTERNAL;
            case EXTERNAL, PRIVATE -> EXTERNAL;
        };
    }

    private static List<ClassificationPolicy.Service> services(Service s) {
        int protocol = protocolNumber(s.protocol());
        if (s.ports().isEmpty() || !s.protocol().hasPorts()) {
            return List.of(new ClassificationPolicy.Service(s.name(), protocol, -1, -1));
        }
        List<ClassificationPolicy.Service> out = new ArrayList<>();
        for (PortRange r : s.ports()) {
            out.add(new ClassificationPolicy.Service(s.name(), protocol, r.first(), r.last()));
        }
        return out;
    }

    static int protocolNumber(Protocol p) {
        return switch (p) {
            case TCP -> 6;
            case UDP -> 17;
            case SCTP -> 132;
            case ICMP -> 1;
            case ICMPV6 -> 58;
            case ESP -> 50;
            case ANY -> 0;
        };
    }

    private static Prefix prefix(IpPrefix p) {
        return Prefix.parse(p.toString());
    }
}
