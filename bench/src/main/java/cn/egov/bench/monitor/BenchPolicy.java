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
