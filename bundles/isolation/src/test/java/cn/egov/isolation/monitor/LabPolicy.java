package cn.egov.isolation.monitor;

import cn.egov.isolation.capture.DecodedPacket;
import java.util.List;

/** A small site: internal 10.1/16, external 10.2/16, management 10.9.0/24, backbone 172.16/12 through ipsec0. */
final class LabPolicy {
    private LabPolicy() {
    }

    static List<Prefix> prefixes(String... p) {
        return java.util.Arrays.stream(p).map(Prefix::parse).toList();
    }

    static ClassificationPolicy policy() {
        ClassificationPolicy.Service https = new ClassificationPolicy.Service("https", DecodedPacket.PROTO_TCP, 443, 443);
        ClassificationPolicy.Service ssh = new ClassificationPolicy.Service("ssh", DecodedPacket.PROTO_TCP, 22, 22);
        ClassificationPolicy.Service dns = new ClassificationPolicy.Service("dns", DecodedPacket.PROTO_UDP, 53, 53);
        return new ClassificationPolicy(
                List.of(new ClassificationPolicy.Zone("internal", ClassificationPolicy.Role.INTERNAL, prefixes("10.1.0.0/16", "2001:db8:1::/48")),
                        new ClassificationPolicy.Zone("external", ClassificationPolicy.Role.EXTERNAL, prefixes("10.2.0.0/16", "2001:db8:2::/48")),
                        new ClassificationPolicy.Zone("management", ClassificationPolicy.Role.MANAGEMENT, prefixes("10.9.0.0/24")),
                        new ClassificationPolicy.Zone("backbone", ClassificationPolicy.Role.BACKBONE, prefixes("172.16.0.0/12", "2001:db8:ff::/48")),
                        new ClassificationPolicy.Zone("internet-access", ClassificationPolicy.Role.INTERNET_ACCESS, List.of())),
                List.of(new ClassificationPolicy.Interface("eth1", List.of("internal")),
                        new ClassificationPolicy.Interface("eth2", List.of("external")),
                        new ClassificationPolicy.Interface("eth3", List.of("management")),
                        new ClassificationPolicy.Interface("eth0", List.of("internet-access")),
                        new ClassificationPolicy.Interface("ipsec0", List.of("backbone"))),
                prefixes("10.0.0.0/8", "172.16.0.0/12", "2001:db8::/32"),
                prefixes("172.16.0.0/12", "2001:db8:ff::/48"),
                new ClassificationPolicy.Tunnel("ipsec0", prefixes("192.0.2.1")),
                List.of(new ClassificationPolicy.AllowedFlow("internal-web", "internal", "external", List.of(https), List.of(), List.of()),
                        new ClassificationPolicy.AllowedFlow("internal-backbone", "internal", "backbone", List.of(), List.of(), List.of()),
                        new ClassificationPolicy.AllowedFlow("external-out", "external", "internet-access", List.of(https, dns), List.of(), List.of()),
                        new ClassificationPolicy.AllowedFlow("admin", "management", "internal", List.of(ssh), List.of(), prefixes("10.1.0.0/24"))));
    }
}
