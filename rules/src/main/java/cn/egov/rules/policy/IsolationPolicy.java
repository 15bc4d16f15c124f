package cn.egov.rules.policy;

import java.net.InetAddress;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed isolation policy: the immutable model that the validator checks, the nftables
 * compiler renders and the traffic monitor classifies against. Build one with
 * {@link PolicyLoader#load(java.nio.file.Path, LocalDate)}; every element carries its
 * {@link Origin}.
 *
 * <p>For consumers (the isolation monitor, the offline audit):
 * <pre>{@code
 * PolicyLoad load = PolicyLoader.load(dir, LocalDate.now());
 * IsolationPolicy p = load.policyOrThrow();
 * p.zonesOfInterface("eth1");            // [internal]  interface -> zones
 * p.interfacesOf("backbone");            // [eth0, ipsec0]  zone -> interfaces
 * p.zone("backbone").prefixes();         // zone -> prefixes (empty = any address)
 * p.zoneOf("eth1", addr);                // the zone of a packet seen on eth1 with this address
 * p.allowedFlows(LocalDate.now());       // flows + exceptions in force, in order
 * p.allows("internal", "backbone", true) // is there any allowed flow, using the tunnel?
 * p.tunnelInto("backbone");              // the tunnel (interface name, mode, peers)
 * p.nevers();                            // the prohibitions (internal <-> internet-access ...)
 * }</pre>
 * Whether a tunnel is up is run-time state, not policy: in interface mode it is up when its
 * interface exists and is up (the box's enforcement publishes it).
 *
 * @param name        the policy's name ({@code policy} section)
 * @param version     the version its authors gave it
 * @param description free text
 * @param interfaces  the box's interfaces and their zones, in file order
 * @param zones       zones in file order
 * @param services    named services in file order
 * @param tunnels     tunnels
 * @param flows       flows and exceptions, in file order (the compiled order)
 * @param nevers      prohibitions
 * @param sha256      hex SHA-256 over the policy files (names and bytes, in name order)
 * @param origin      where the {@code policy} section is
 */
public record IsolationPolicy(String name, String version, String description,
                              List<BoxInterface> interfaces, List<Zone> zones, List<Service> services,
                              List<Tunnel> tunnels, List<FlowRule> flows, List<NeverRule> nevers,
                              String sha256, Origin origin) {

    public IsolationPolicy {
        interfaces = List.copyOf(interfaces);
        zones = List.copyOf(zones);
        services = List.copyOf(services);
        tunnels = List.copyOf(tunnels);
        flows = List.copyOf(flows);
        nevers = List.copyOf(nevers);
    }

    /** The zone with this name; throws when absent (the validator guarantees references). */
    public Zone zone(String zoneName) {
        return zones.stream().filter(z -> z.name().equals(zoneName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no zone " + zoneName));
    }

    public Optional<Service> service(String serviceName) {
        return services.stream().filter(s -> s.name().equals(serviceName)).findFirst();
    }

    /** Names of the interfaces that serve a zone, in file order. */
    public List<String> interfacesOf(String zoneName) {
        return interfaces.stream().filter(i -> i.zones().contains(zoneName)).map(BoxInterface::name).toList();
    }

    /** Zone names on an interface (empty when the policy does not know the interface). */
    public List<String> zonesOfInterface(String ifaceName) {
        return interfaces.stream().filter(i -> i.name().equals(ifaceName)).findFirst()
                .map(BoxInterface::zones).orElse(List.of());
    }

    /** Zone → interface names, in zone order. */
    public Map<String, List<String>> interfacesByZone() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        zones.forEach(z -> m.put(z.name(), interfacesOf(z.name())));
        return m;
    }

    /**
     * The zone of a packet seen on {@code ifaceName} whose remote address (source when it arrives,
     * destination when it leaves) is {@code address}: among the interface's zones whose prefixes
     * contain the address, the one with the longest matching prefix (the NOC inside the
     * backbone is {@code management}); else the interface's zone without prefixes. The nftables
     * ruleset treats such a packet as a member of every matching zone; this answer names the most
     * specific one.
     */
    public Optional<String> zoneOf(String ifaceName, InetAddress address) {
        List<String> candidates = zonesOfInterface(ifaceName);
        String best = null;
        int bestLength = -1;
        for (String z : candidates) {
            for (Prefix pf : zone(z).prefixes()) {
                if (pf.contains(address) && pf.length() > bestLength) {
                    best = z;
                    bestLength = pf.length();
                }
            }
        }
        if (best != null) {
            return Optional.of(best);
        }
        return candidates.stream().filter(z -> zone(z).prefixes().isEmpty()).findFirst();
    }

    /** Flows and exceptions in force on {@code day}, in the order they are compiled. */
    public List<FlowRule> allowedFlows(LocalDate day) {
        return flows.stream().filter(f -> f.inForceOn(day)).toList();
    }

    /** True when some flow in force today lets traffic go from one zone to the other. */
    public boolean allows(String from, String to, boolean throughTunnel) {
        return allowedFlows(LocalDate.now()).stream()
                .anyMatch(f -> f.from().equals(from) && f.to().equals(to) && (throughTunnel || !f.viaTunnel()));
    }

    /** The tunnel into a zone, if the policy has one. */
    public Optional<Tunnel> tunnelInto(String zoneName) {
        return tunnels.stream().filter(t -> t.zone().equals(zoneName)).findFirst();
    }

    /** "name version (sha256 prefix)" for logs and telemetry. */
    public String identity() {
        return name + " " + version + " (" + sha256.substring(0, 12) + ")";
    }
}
