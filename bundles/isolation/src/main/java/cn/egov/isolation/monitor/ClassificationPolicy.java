package cn.egov.isolation.monitor;

import java.util.HashSet;
import java.util.List;
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
 */
public record ClassificationPolicy(List<Zone> zones, List<Interface> interfaces, List<Prefix> plannedPrefixes,
                                   List<Prefix> backbonePrefixes, Tunnel tunnel, List<AllowedFlow> allowedFlows) {

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
