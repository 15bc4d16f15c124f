package cn.egov.rules.policy;

import java.util.List;

/**
 * A named service: a protocol and, for tcp/udp/sctp, destination ports (empty = every port).
 *
 * @param name     policy name, e.g. {@code https}
 * @param protocol the protocol
 * @param ports    destination port ranges; empty means all ports
 * @param origin   where it is defined
 */
public record Service(String name, Protocol protocol, List<PortRange> ports, Origin origin) {

    /** The implicit service that matches all traffic ({@code services any}). */
    public static final String ANY = "any";

    public Service {
        ports = List.copyOf(ports);
    }

    /** True when every packet this service matches is also matched by {@code other}. */
    public boolean coveredBy(Service other) {
        if (other.protocol == Protocol.ANY) {
            return true;
        }
        if (other.protocol != protocol) {
            return false;
        }
        if (other.ports.isEmpty()) {
            return true;
        }
        if (ports.isEmpty()) {
            return false;
        }
        // loops, not streams: the validator asks this for every pair of rules (500 rules: 250,000
        // times, in cold code at a command's start; bench/RESULTS.md "start-up")
        for (PortRange p : ports) {
            if (!containedIn(p, other.ports)) {
                return false;
            }
        }
        return true;
    }

    private static boolean containedIn(PortRange p, List<PortRange> ranges) {
        for (PortRange o : ranges) {
            if (o.contains(p)) {
                return true;
            }
        }
        return false;
    }

    /** True when some packet is matched by both services. */
    public boolean overlaps(Service other) {
        if (protocol == Protocol.ANY || other.protocol == Protocol.ANY) {
            return true;
        }
        if (protocol != other.protocol) {
            return false;
        }
        if (ports.isEmpty() || other.ports.isEmpty()) {
            return true;
        }
        return ports.stream().anyMatch(p -> other.ports.stream().anyMatch(p::overlaps));
    }
}
