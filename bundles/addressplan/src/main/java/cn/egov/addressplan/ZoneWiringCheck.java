package cn.egov.addressplan;

import cn.egov.addressplan.IpCommandReader.Link;
import cn.egov.addressplan.SiteObservation.InterfaceAddress;
import cn.egov.addressplan.SiteObservation.Neighbour;
import cn.egov.rules.plan.AddressPlan;
import cn.egov.rules.plan.Allocation;
import cn.egov.rules.plan.IpPrefix;
import cn.egov.rules.plan.Owner;
import cn.egov.rules.plan.Zone;
import cn.egov.rules.policy.IsolationPolicy;
import cn.egov.rules.policy.Tunnel;
import cn.egov.rules.unit.UnitCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Is the box cabled and numbered as its policy and the unit's plan allocations say? The first
 * step of {@code appliance setup}, before anything is changed: each port the policy names exists
 * and has a link; each LAN port (zone {@code internal}, {@code external}) carries an address of the
 * unit's allocation for its zone; the hosts heard on a LAN port belong to that port's zone (hosts of
 * the other LAN's allocation on it mean the cables are in the wrong ports); the uplink has an
 * address and the route to the backbone hub leaves through it. Each finding is one sentence saying
 * what to change, e.g. {@code eth1 has 192.168.1.1/24; the plan gives this unit 10.6.8.0/25:
 * change eth1 to 10.6.8.1/25}.
 *
 * <p>Hosts show on a port only once they have talked (the neighbour table): a LAN whose hosts are
 * all silent cannot reveal swapped cables, and no finding is made for it.
 */
public final class ZoneWiringCheck {

    /** What a port of the policy is for. */
    public enum Role {
        /** A LAN of the unit: its addresses come from the unit's plan allocations. */
        LAN,
        /** The uplink to the backbone, which carries the tunnel. */
        UPLINK,
        /** Any other zone (the Internet line): it must be there; its addresses are the ISP's. */
        OTHER
    }

    /**
     * One port as the policy and plan describe it.
     *
     * @param allocation the unit's prefixes for this zone (LAN only)
     */
    public record Port(String iface, String zone, Role role, List<IpPrefix> allocation) {
        public Port {
            allocation = List.copyOf(allocation);
        }
    }

    /**
     * One finding.
     *
     * @param blocking the box cannot work like this (a missing link, a wrong address, swapped cables);
     *                 otherwise a warning
     * @param message  what is wrong and what to do, in one sentence
     */
    public record Finding(boolean blocking, String message) {
    }

    /** What the box sees: its links, addresses, neighbours, and the device of the route to an address. */
    public record Site(List<Link> links, List<InterfaceAddress> addresses, List<Neighbour> neighbours,
                       Function<String, Optional<String>> routeDevice) {
    }

    /**
     * Plan zones of the policy's LAN zones: the policy's {@code internal} zone is numbered from the
     * unit's {@code internal} allocations, its {@code external} zone from {@code external} and
     * {@code private} ones (the convention the live monitor's unplanned-host check uses too).
     */
    static final Map<String, List<Zone>> LAN_ZONES = Map.of(
            "internal", List.of(Zone.INTERNAL),
            "external", List.of(Zone.EXTERNAL, Zone.PRIVATE));

    private final List<Port> ports;
    private final String unit;
    private final String hub;

    /**
     * @param hub the backbone hub's address (the tunnel's peer), or null to skip the route check
     */
    public ZoneWiringCheck(List<Port> ports, String unit, String hub) {
        this.ports = List.copyOf(ports);
        this.unit = unit;
        this.hub = hub;
    }

    /** The ports of {@code policy} (tunnel interfaces left out: they exist only once the tunnel is up). */
    public static List<Port> ports(IsolationPolicy policy, AddressPlan plan, UnitCode unitCode) {
        Set<String> tunnelIfaces = policy.tunnels().stream().map(Tunnel::iface).filter(i -> i != null && !i.isBlank())
                .collect(Collectors.toSet());
        Set<String> uplinkZones = policy.tunnels().stream().map(Tunnel::zone).collect(Collectors.toSet());
        List<Allocation> allocations = plan.allocationsOf(Owner.of(unitCode));
        List<Port> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        policy.interfacesByZone().forEach((zone, ifaces) -> {
            for (String iface : ifaces) {
                if (tunnelIfaces.contains(iface) || !seen.add(iface)) {
                    continue;
                }
                List<Zone> planZones = LAN_ZONES.get(zone);
                if (planZones != null) {
                    out.add(new Port(iface, zone, Role.LAN, allocations.stream().filter(a -> planZones.contains(a.zone()))
                            .map(Allocation::prefix).toList()));
                } else {
                    out.add(new Port(iface, zone, uplinkZones.contains(zone) ? Role.UPLINK : Role.OTHER, List.of()));
                }
            }
        });
        return out;
    }

    /** Every finding, the blocking ones first. */
    public List<Finding> check(Site site) {
        List<Finding> blocking = new ArrayList<>();
        List<Finding> warnings = new ArrayList<>();
        Map<String, Link> links = new LinkedHashMap<>();
        site.links().forEach(l -> links.put(l.name(), l));
        // hosts of another LAN's allocation heard on a LAN port: port -> (zone they belong to -> addresses)
        Map<Port, Map<Port, List<String>>> strangers = new LinkedHashMap<>();
        for (Port p : ports) {
            Link link = links.get(p.iface());
            if (link == null) {
                blocking.add(new Finding(true, "The policy puts " + p.iface() + " in zone " + p.zone() + ", but this box has no "
                        + p.iface() + ": check the box's model and its ports ('ip link' lists them)."));
                continue;
            }
            if (!link.carrier()) {
                String sentence = p.iface() + " (zone " + p.zone() + ") has no link: plug the " + cable(p) + " into " + p.iface()
                        + (link.up() ? "" : " and bring it up (ip link set " + p.iface() + " up)") + ".";
                (p.role() == Role.OTHER ? warnings : blocking).add(new Finding(p.role() != Role.OTHER, sentence));
                continue;
            }
            List<InterfaceAddress> own = site.addresses().stream()
                    .filter(a -> a.device().equals(p.iface()) && !"link".equals(a.scope()) && !"host".equals(a.scope())).toList();
            switch (p.role()) {
                case LAN -> lan(p, own, blocking, warnings);
                case UPLINK -> uplink(p, own, site, blocking);
                case OTHER -> { }
            }
            if (p.role() == Role.LAN) {
                for (Neighbour n : site.neighbours()) {
                    if (!n.device().equals(p.iface()) || inside(p.allocation(), n.address())) {
                        continue;
                    }
                    ports.stream().filter(o -> o != p && o.role() == Role.LAN && inside(o.allocation(), n.address())).findFirst()
                            .ifPresent(o -> strangers.computeIfAbsent(p, k -> new LinkedHashMap<>())
                                    .computeIfAbsent(o, k -> new ArrayList<>()).add(n.address().addressText()));
                }
            }
        }
        blocking.addAll(swapped(strangers));
        List<Finding> all = new ArrayList<>(blocking);
        all.addAll(warnings);
        return all;
    }

    private void lan(Port p, List<InterfaceAddress> own, List<Finding> blocking, List<Finding> warnings) {
        if (p.allocation().isEmpty()) {
            warnings.add(new Finding(false, "The plan gives unit " + unit + " no " + p.zone() + " allocation, so the addresses on "
                    + p.iface() + " cannot be checked: ask the provincial office to allocate them."));
            return;
        }
        if (own.isEmpty()) {
            IpPrefix alloc = p.allocation().get(0);
            blocking.add(new Finding(true, p.iface() + " (zone " + p.zone() + ") has no address; the plan gives this unit "
                    + alloc + " there: give " + p.iface() + " " + firstHost(alloc) + "."));
            return;
        }
        for (InterfaceAddress a : own) {
            if (inside(p.allocation(), a.address())) {
                continue;
            }
            List<IpPrefix> sameFamily = p.allocation().stream().filter(x -> x.v6() == a.address().v6()).toList();
            if (sameFamily.isEmpty()) {
                blocking.add(new Finding(true, p.iface() + " has " + a.address() + "; the plan gives this unit no "
                        + (a.address().v6() ? "IPv6" : "IPv4") + " addresses in zone " + p.zone() + ": remove it from " + p.iface() + "."));
            } else {
                IpPrefix alloc = sameFamily.get(0);
                blocking.add(new Finding(true, p.iface() + " has " + a.address() + "; the plan gives this unit " + alloc
                        + ": change " + p.iface() + " to " + firstHost(alloc) + "."));
            }
        }
    }

    private void uplink(Port p, List<InterfaceAddress> own, Site site, List<Finding> blocking) {
        if (own.isEmpty()) {
            blocking.add(new Finding(true, p.iface() + " (uplink to the backbone) has no address: configure the address the "
                    + "backbone operator gave this site on " + p.iface() + "."));
            return;
        }
        if (hub == null) {
            return;
        }
        Optional<String> dev = site.routeDevice().apply(hub);
        if (dev.isEmpty()) {
            blocking.add(new Finding(true, "This box has no route to the backbone hub " + hub + ": add the default route through "
                    + "the backbone operator's gateway on " + p.iface() + "."));
        } else if (!dev.get().equals(p.iface())) {
            blocking.add(new Finding(true, "The route to the backbone hub " + hub + " leaves through " + dev.get()
                    + ", not the uplink " + p.iface() + ": the uplink cable may be in " + dev.get()
                    + ", or the default route points the wrong way (ip route)."));
        }
    }

    /** One sentence per port (pair) with hosts of another LAN: two ports with each other's hosts are swapped cables. */
    private static List<Finding> swapped(Map<Port, Map<Port, List<String>>> strangers) {
        List<Finding> out = new ArrayList<>();
        Set<Port> done = new LinkedHashSet<>();
        strangers.forEach((port, byZone) -> byZone.forEach((home, hosts) -> {
            if (done.contains(port)) {
                return;
            }
            List<String> back = strangers.getOrDefault(home, Map.of()).get(port);
            if (back != null) {
                done.add(port);
                done.add(home);
                out.add(new Finding(true, "The cables of " + port.iface() + " (zone " + port.zone() + ") and " + home.iface()
                        + " (zone " + home.zone() + ") are swapped: hosts of the " + home.zone() + " network (" + String.join(", ", hosts)
                        + ") answer on " + port.iface() + " and hosts of the " + port.zone() + " network (" + String.join(", ", back)
                        + ") on " + home.iface() + ". Exchange the two cables."));
            } else {
                out.add(new Finding(true, "Hosts of the " + home.zone() + " network (" + String.join(", ", hosts) + ") answer on "
                        + port.iface() + ", the port of zone " + port.zone() + ": their cable belongs in " + home.iface() + "."));
            }
        }));
        return out;
    }

    private static String cable(Port p) {
        return switch (p.role()) {
            case LAN -> p.zone() + " network's cable";
            case UPLINK -> "backbone uplink cable";
            case OTHER -> p.zone() + " line's cable";
        };
    }

    private static boolean inside(List<IpPrefix> prefixes, IpPrefix address) {
        return prefixes.stream().anyMatch(x -> x.contains(address.asAddress()));
    }

    /** The allocation's first host with the allocation's length, e.g. 10.6.8.1/25 for 10.6.8.0/25. */
    static String firstHost(IpPrefix allocation) {
        return allocation.network().addressAt(1).addressText() + "/" + allocation.length();
    }
}
