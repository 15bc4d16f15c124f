package cn.egov.addressplan;

import cn.egov.rules.plan.IpPrefix;
import java.util.List;

/**
 * What the box sees of its site at one moment: its own addresses, connected routes, neighbours,
 * DHCP leases and local host names.
 *
 * @param addresses  the box's interface addresses
 * @param routes     routes of the main table
 * @param neighbours the neighbour (ARP/NDP) table
 * @param leases     DHCP leases handed out on the site
 * @param hostNames  names of local hosts (hosts file, reverse lookups)
 */
public record SiteObservation(List<InterfaceAddress> addresses, List<Route> routes, List<Neighbour> neighbours,
                              List<Lease> leases, List<HostName> hostNames) {

    public SiteObservation {
        addresses = List.copyOf(addresses);
        routes = List.copyOf(routes);
        neighbours = List.copyOf(neighbours);
        leases = List.copyOf(leases);
        hostNames = List.copyOf(hostNames);
    }

    /** An address on one of the box's interfaces, with its prefix length (e.g. 10.6.8.1/25). */
    public record InterfaceAddress(String device, IpPrefix address, String scope) {
    }

    /**
     * A route; {@code connected} for an on-link subnet (no gateway).
     *
     * @param destination the destination prefix ({@code 0.0.0.0/0} for the default route)
     */
    public record Route(IpPrefix destination, String device, String gateway, boolean connected) {
    }

    /** A neighbour entry: a host the box has talked to on a link. */
    public record Neighbour(IpPrefix address, String device, String mac, String state) {
    }

    /** A DHCP lease from a dnsmasq or ISC dhcpd lease file. */
    public record Lease(IpPrefix address, String mac, String hostName, String file) {
    }

    /** A name given to an address, from a hosts file or a reverse lookup. */
    public record HostName(IpPrefix address, String name, String source) {
    }
}
