package cn.egov.isolation.monitor;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the traffic classifier needs to know of the isolation policy and the address plan, and
 * nothing more: built from the policy model by {@link PolicyModelAdapter}, or directly in tests,
 * so that the classifier does not depend on how the policy is written.
 *
 * @param zones            the zones with their roles and address prefixes
 * @param interfaces       the box's interfaces and the zones each serves
 * @param plannedPrefixes  the government prefixes of the provincial address plan: an internal
 *                         host may reach nothing else
 * @param backbonePrefixes addresses reached over the backbone: only through the tunnel
 * @param tunnel           the tunnel into the backbone
 * @param allowedFlows     zone-to-zone flows the policy allows; everything else between zones is denied
 * @param hostPlan         the unit's planned allocations per zone, for the unplanned-host check (or why it is off)
 */
public record ClassificationPolicy(List<Zone> zones, List<Interface> interfaces, List<Prefix> plannedPrefixes,
                                   List<Prefix> backbonePrefixes, Tunnel tunnel, List<AllowedFlow> allowedFlows,
                                   HostPlan hostPlan) {

    /** Without a unit's allocations: the unplanned-host check is off. */
    public ClassificationPolicy(List<Zone> zones, List<Interface> interfaces, List<Prefix> plannedPrefixes,
                                List<Prefix> backbonePrefixes, Tunnel tunnel, List<AllowedFlow> allowedFlows) {
        this(zones, interfaces, plannedPrefixes, backbonePrefixes, tunnel, allowedFlows, HostPlan.off(HostPlan.NO_UNIT));
    }

    /** The same policy with another host plan. */
    public ClassificationPolicy withHostPlan(HostPlan plan) {
        return new ClassificationPolicy(zones, interfaces, plannedPrefixes, backbonePrefixes, tunnel, allowedFlows, plan);
    }

    /**
     * What the unplanned-host check compares hosts on a LAN with: the addresses the address plan
     * gives the unit in each zone of the policy (a LAN zone absent from the map is not checked; one
     * mapped to no prefix means the unit has no address there, so every host on it is unplanned).
     *
     * @param unit        the unit code, null when off
     * @param allocations zone name to the unit's allocations for it
     * @param off         null when the check is on, else why it is off, in one line
     */
    public record HostPlan(String unit, Map<String, List<Prefix>> allocations, String off) {
        /** Why the check is off when no unit is given. */
        public static final String NO_UNIT = "no unit given: the unit's allocations in the address plan are needed (--unit, unit_code)";

        public HostPlan {
            Map<String, List<Prefix>> copy = new LinkedHashMap<>();
            allocations.forEach((zone, prefixes) -> copy.put(zone, List.copyOf(prefixes)));
            allocations = Collections.unmodifiableMap(copy);
        }

        public static HostPlan of(String unit, Map<String, List<Prefix>> allocations) {
            return new HostPlan(unit, allocations, null);
        }

        public static HostPlan off(String reason) {
            return new HostPlan(null, Map.of(), reason);
        }

        public boolean on() {
            return off == null;
        }

        /** One line: the unit and its allocations per zone, or why the check is off. */
        public String describe() {
            if (!on()) {
                return "off: " + off;
            }
            StringBuilder s = new StringBuilder("unit ").append(unit);
            allocations.forEach((zone, prefixes) -> s.append("; ").append(zone).append(' ')
                    .append(prefixes.isEmpty() ? "(no allocation)" : prefixes.stream().map(Prefix::toString)
                            .collect(java.util.stream.Collectors.joining(", "))));
            return s.toString();
        }
    }

    /** What a zone is for; the rules key on roles, not on names. */
    public enum Role {
        /** 公务内网 / internal office network: must never reach outside the planned prefixes. */
        INTERNAL,
        /** 公务外网 / external government network. */
        EXTERNAL,
        /** The provincial backbone, reached through the tunnel. */
        BACKBONE,
        /** 互联网接入区: stands for the Internet. */
        INTERNET_ACCESS,
        /** The box's own management network. */
        MANAGEMENT,
        /** Any other zone a policy declares. */
        OTHER;

        /** The role of the standard zone names ({@code internal}, {@code internet-access}...); OTHER otherwise. */
        public static Role ofZoneName(String name) {
            return switch (name) {
                case "internal" -> INTERNAL;
                case "external" -> EXTERNAL;
                case "backbone" -> BACKBONE;
                case "internet-access", "internet" -> INTERNET_ACCESS;
                case "management" -> MANAGEMENT;
                default -> OTHER;
            };
        }
    }

    /**
     * @param name     the policy's zone name
     * @param prefixes the zone's address prefixes; empty means any address on its interfaces
     */
    public record Zone(String name, Role role, List<Prefix> prefixes) {
        public Zone {
            prefixes = List.copyOf(prefixes);
        }
    }

    /** A box interface and the zones it serves (several share the tunnel, told apart by prefixes). */
    public record Interface(String name, List<String> zones) {
        public Interface {
            zones = List.copyOf(zones);
        }
    }

    /**
     * @param interfaceName the tunnel's interface (e.g. {@code ipsec0}), null for policy-based
     *                      kernel IPsec; traffic to the backbone seen on it is inside the tunnel
     * @param endpoints     the hub's addresses: IKE and ESP to them is the tunnel itself
     */
    public record Tunnel(String interfaceName, List<Prefix> endpoints) {
        public Tunnel {
            endpoints = List.copyOf(endpoints);
        }

        public static Tunnel none() {
            return new Tunnel(null, List.of());
        }
    }

    /** A service: IP protocol number (0 for any) and a destination port range ({@code -1..-1} for any). */
    public record Service(String name, int protocol, int fromPort, int toPort) {
        public static Service any() {
            return new Service("any", 0, -1, -1);
        }

        boolean matches(int proto, int port) {
            return (protocol == 0 || protocol == proto) && (fromPort < 0 || (port >= fromPort && port <= toPort));
        }
    }

    /**
     * Traffic from zone {@code from} to zone {@code to} on one of {@code services} is allowed.
     *
     * @param sources      narrower source prefixes; empty means the whole zone
     * @param destinations narrower destination prefixes; empty means the whole zone
     */
    public record AllowedFlow(String name, String from, String to, List<Service> services,
                              List<Prefix> sources, List<Prefix> destinations) {
        public AllowedFlow {
            services = List.copyOf(services);
            sources = List.copyOf(sources);
            destinations = List.copyOf(destinations);
        }
    }

    public ClassificationPolicy {
        zones = List.copyOf(zones);
        interfaces = List.copyOf(interfaces);
        plannedPrefixes = List.copyOf(plannedPrefixes);
        backbonePrefixes = List.copyOf(backbonePrefixes);
        tunnel = tunnel == null ? Tunnel.none() : tunnel;
        allowedFlows = List.copyOf(allowedFlows);
        hostPlan = hostPlan == null ? HostPlan.off(HostPlan.NO_UNIT) : hostPlan;
        Set<String> names = new HashSet<>();
        for (Zone z : zones) {
            if (!names.add(z.name())) {
                throw new IllegalArgumentException("zone '" + z.name() + "' is declared twice");
            }
        }
        Set<String> interfaceNames = new HashSet<>();
        for (Interface i : interfaces) {
            if (!interfaceNames.add(i.name())) {
                throw new IllegalArgumentException("interface '" + i.name() + "' is declared twice");
            }
            for (String z : i.zones()) {
                if (!names.contains(z)) {
                    throw new IllegalArgumentException("interface '" + i.name() + "' names unknown zone '" + z + "'");
                }
            }
        }
        for (AllowedFlow f : allowedFlows) {
            if (!names.contains(f.from()) || !names.contains(f.to())) {
                throw new IllegalArgumentException("flow '" + f.name() + "' names an unknown zone: " + f.from() + " -> " + f.to());
            }
        }
        for (String z : hostPlan.allocations().keySet()) {
            if (!names.contains(z)) {
                throw new IllegalArgumentException("the host plan names unknown zone '" + z + "'");
            }
        }
    }

    /** The zones an interface serves; empty when the policy does not know it. */
    public List<String> zonesOfInterface(String interfaceName) {
        return interfaces.stream().filter(i -> i.name().equals(interfaceName)).findFirst()
                .map(Interface::zones).orElse(List.of());
    }

    /** Names of all interfaces the policy knows, the tunnel's included. */
    public List<String> interfaceNames() {
        List<String> all = new java.util.ArrayList<>(interfaces.stream().map(Interface::name).toList());
        if (tunnel.interfaceName() != null && !all.contains(tunnel.interfaceName())) {
            all.add(tunnel.interfaceName());
        }
        return all;
    }

    public int zoneIndex(String name) {
        for (int i = 0; i < zones.size(); i++) {
            if (zones.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
