package cn.egov.bench.monitor;

import cn.egov.isolation.capture.DecodedPacket;
import cn.egov.isolation.monitor.ClassificationPolicy;
import cn.egov.isolation.monitor.Prefix;
import java.util.Arrays;
import java.util.List;

/** A site shaped like the provincial baseline, with a realistic number of prefixes and flows. */
final class BenchPolicy {
    private BenchPolicy() {
    }

    static List<Prefix> prefixes(String... p) {
        return Arrays.stream(p).map(Prefix::parse).toList();
    }

    /** How the bench's capture is read: as before, or as captured on one LAN interface, with or without the host plan. */
    enum Mode {
        /** A pcap that names no interface (tcpdump -w): the unplanned-host check cannot place its frames. */
        UNNAMED,
        /** Read as captured on {@code lan}, an interface serving internal and external, without a unit. */
        LAN,
        /** As {@link #LAN}, with the unit's allocations: every source of the capture is checked (and planned). */
        HOSTS;

        String interfaceName() {
            return this == UNNAMED ? null : LAN_INTERFACE;
        }
    }

    static final String LAN_INTERFACE = "lan";

    static ClassificationPolicy policy(Mode mode) {
        ClassificationPolicy p = policy();
        if (mode == Mode.UNNAMED) {
            return p;
        }
        List<ClassificationPolicy.Interface> interfaces = new java.util.ArrayList<>(p.interfaces());
        interfaces.add(new ClassificationPolicy.Interface(LAN_INTERFACE, List.of("internal", "external")));
        ClassificationPolicy.HostPlan plan = mode == Mode.HOSTS
                ? ClassificationPolicy.HostPlan.of("130602-001", java.util.Map.of(
                        "internal", prefixes("10.6.8.0/24", "10.6.9.0/24", "2001:db8:6:8::/64"),
                        "external", prefixes("198.18.80.0/28", "198.18.81.0/24", "2001:db8:8006::/48")))
                : ClassificationPolicy.HostPlan.off(ClassificationPolicy.HostPlan.NO_UNIT);
        return new ClassificationPolicy(p.zones(), interfaces, p.plannedPrefixes(), p.backbonePrefixes(), p.tunnel(),
                p.allowedFlows(), plan);
    }

    static ClassificationPolicy policy() {
        ClassificationPolicy.Service https = new ClassificationPolicy.Service("https", DecodedPacket.PROTO_TCP, 443, 443);
        ClassificationPolicy.Service dns = new ClassificationPolicy.Service("dns", DecodedPacket.PROTO_UDP, 53, 53);
        return new ClassificationPolicy(
                List.of(new ClassificationPolicy.Zone("internal", ClassificationPolicy.Role.INTERNAL,
                                prefixes("10.6.8.0/24", "10.6.9.0/24", "2001:db8:6:8::/64")),
                        new ClassificationPolicy.Zone("external", ClassificationPolicy.Role.EXTERNAL,
                                prefixes("198.18.80.0/28", "198.18.81.0/24", "2001:db8:8006::/48")),
                        new ClassificationPolicy.Zone("backbone", ClassificationPolicy.Role.BACKBONE, prefixes("10.200.0.0/16")),
                        new ClassificationPolicy.Zone("internet-access", ClassificationPolicy.Role.INTERNET_ACCESS, List.of()),
                        new ClassificationPolicy.Zone("management", ClassificationPolicy.Role.MANAGEMENT, prefixes("10.200.9.0/28"))),
                List.of(new ClassificationPolicy.Interface("eth0", List.of("backbone")),
                        new ClassificationPolicy.Interface("eth1", List.of("internal")),
                        new ClassificationPolicy.Interface("eth2", List.of("external")),
                        new ClassificationPolicy.Interface("eth3", List.of("internet-access")),
                        new ClassificationPolicy.Interface("ipsec0", List.of("backbone", "management"))),
                prefixes("10.0.0.0/8", "2001:db8::/33", "172.16.0.0/12", "2001:db8:c000::/34", "198.18.0.0/15", "2001:db8:8000::/34"),
                prefixes("10.200.0.0/16"),
                new ClassificationPolicy.Tunnel("ipsec0", prefixes("192.0.2.2")),
                List.of(new ClassificationPolicy.AllowedFlow("internal-to-backbone", "internal", "backbone", List.of(), List.of(), List.of()),
                        new ClassificationPolicy.AllowedFlow("external-to-internet", "external", "internet-access", List.of(https, dns), List.of(), List.of())));
    }
}
