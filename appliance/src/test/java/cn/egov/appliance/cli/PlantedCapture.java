package cn.egov.appliance.cli;

import cn.egov.isolation.capture.DecodedPacket;
import cn.egov.isolation.capture.FrameBuilder;
import cn.egov.isolation.capture.FrameDecoder;
import cn.egov.isolation.capture.LinkType;
import cn.egov.isolation.capture.PcapWriter;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Test fixtures for {@code appliance audit}: a policy, an address plan and capture files with
 * violations of every kind planted among clean traffic (VLAN and QinQ tags, IPv6 with an
 * extension header, ARP, multicast, the tunnel itself, truncated and malformed frames).
 * Each planted violation carries the key the audit's finding must have.
 */
final class PlantedCapture {

    static final String UNIT = "130602-001";

    static final String POLICY = """
            policy lab-audit
                version 1
                description "appliance audit test policy"

            zone internal
            zone external
            zone backbone
                prefixes 10.200.0.0/16
            zone internet-access
            zone management
                prefixes 10.200.9.0/28

            interface eth0
                zone backbone
            interface eth1
                zone internal
            interface eth2
                zone external
            interface eth3
                zone internet-access
            interface ipsec0
                zone backbone management

            tunnel backbone-vpn
                zone backbone
                mode interface
                interface ipsec0
                peers 192.0.2.2

            service https
                protocol tcp
                ports 443

            never internal-internet
                between internal internet-access
                reason "internal and Internet never meet"
            never internal-external
                between internal external
                reason "internal and external stay apart"
            never internal-backbone-cleartext
                between internal backbone
                unless tunnel
                reason "only through the tunnel"

            flow internal-to-backbone
                from internal
                to backbone
                services any
                via tunnel
            flow external-to-internet
                from external
                to internet-access
                services https
            """;

    static final String PLAN = """
            aggregate internal 10.0.0.0/8          internal
            aggregate internal 2001:db8::/33       internal IPv6
            aggregate external 198.18.0.0/15       public government addresses
            unit 130602-001 jyj 竞秀区教育局
            alloc 130602-001 internal 10.6.8.0/24
            alloc 130602-001 internal 2001:db8:6:8::/64
            alloc 130602-001 external 198.18.80.0/28
            """;

    /** A frame on an interface; {@code expected} is the key of the finding it must raise, or null. */
    record Frame(String iface, int linkType, byte[] bytes, int captured, String expected) {
    }

    static final String H1 = "02:00:00:00:01:05";
    static final String H2 = "02:00:00:00:01:07";
    static final String E1 = "02:00:00:00:02:05";
    static final String BOX1 = "02:00:00:00:00:f1";
    static final String BOX2 = "02:00:00:00:00:f2";
    static final String BOX0 = "02:00:00:00:00:f0";
    static final String BOX3 = "02:00:00:00:00:f3";
    static final String INTERNET = "02:00:00:00:0f:01";
    static final String HUB = "02:00:00:00:0e:01";

    static String flowKey(String kind, String src, String dst, int dport) {
        return kind + "|" + src + "|" + dst + "|" + dport;
    }

    /** Writes the policy directory and the plan file into {@code dir}; returns the policy directory. */
    static Path writePolicy(Path dir) throws IOException {
        Path policy = Files.createDirectories(dir.resolve("policy"));
        Files.writeString(policy.resolve("10-lab.policy"), POLICY);
        Files.writeString(policy.resolve("lab.plan"), PLAN);
        return policy;
    }

    /** Clean traffic of every kind the site has. */
    static List<Frame> clean() {
        List<Frame> f = new ArrayList<>();
        // internal host to a backbone resolver, inside the tunnel (TUN: raw IP), and the reply
        f.add(raw("ipsec0", FrameBuilder.rawIp().ip("10.6.8.5", "10.200.1.53").udp(40000, 53, 30).build()));
        f.add(raw("ipsec0", FrameBuilder.rawIp().ip("10.200.1.53", "10.6.8.5").udp(53, 40000, 60).build()));
        // the same on the internal LAN, and the reply
        f.add(eth("eth1", FrameBuilder.ethernet(H1, BOX1).ip("10.6.8.5", "10.200.1.53").udp(40000, 53, 30).build()));
        f.add(eth("eth1", FrameBuilder.ethernet(BOX1, H1).ip("10.200.1.53", "10.6.8.5").udp(53, 40000, 60).build()));
        // the tunnel itself on the uplink: IKE and ESP to and from the hub
        f.add(eth("eth0", FrameBuilder.ethernet(BOX0, HUB).ip("192.0.2.10", "192.0.2.2").udp(4500, 4500, 120).build()));
        f.add(eth("eth0", FrameBuilder.ethernet(BOX0, HUB).ip("192.0.2.10", "192.0.2.2").protocol(DecodedPacket.PROTO_ESP, 100).build()));
        f.add(eth("eth0", FrameBuilder.ethernet(HUB, BOX0).ip("192.0.2.2", "192.0.2.10").protocol(DecodedPacket.PROTO_ESP, 100).build()));
        // external host browsing the Internet, seen on eth2 and eth3, with the replies
        f.add(eth("eth2", FrameBuilder.ethernet(E1, BOX2).ip("198.18.80.5", "198.51.100.80").tcp(50000, 443, DecodedPacket.TCP_SYN, 0).build()));
        f.add(eth("eth2", FrameBuilder.ethernet(BOX2, E1).ip("198.51.100.80", "198.18.80.5")
                .tcp(443, 50000, DecodedPacket.TCP_SYN | DecodedPacket.TCP_ACK, 0).build()));
        f.add(eth("eth3", FrameBuilder.ethernet(BOX3, INTERNET).ip("198.18.80.5", "198.51.100.80").tcp(50000, 443, DecodedPacket.TCP_SYN, 0).build()));
        f.add(eth("eth3", FrameBuilder.ethernet(INTERNET, BOX3).ip("198.51.100.80", "198.18.80.5")
                .tcp(443, 50000, DecodedPacket.TCP_SYN | DecodedPacket.TCP_ACK, 0).build()));
        // local-scope traffic of internal hosts: ARP, DHCP, mDNS, IPv6 neighbour discovery
        f.add(eth("eth1", arp(H1, "10.6.8.5", "10.6.8.1")));
        f.add(eth("eth1", FrameBuilder.ethernet(H1, "ff:ff:ff:ff:ff:ff").ip("10.6.8.5", "255.255.255.255").udp(68, 67, 300).build()));
        f.add(eth("eth1", FrameBuilder.ethernet(H1, "01:00:5e:00:00:fb").ip("10.6.8.5", "224.0.0.251").udp(5353, 5353, 40).build()));
        f.add(eth("eth1", FrameBuilder.ethernet(H1, "33:33:00:00:00:01").ip("2001:db8:6:8::5", "ff02::1").icmp(135, 24).build()));
        // internal traffic inside the unit's LAN, tagged
        f.add(eth("eth1", FrameBuilder.ethernet(H1, H2).vlan(FrameDecoder.ETHERTYPE_VLAN, 30)
                .ip("10.6.8.5", "10.6.8.7").tcp(40010, 445, DecodedPacket.TCP_SYN, 0).build()));
        return f;
    }

    /** Violations of every kind; each frame that raises one names its key. */
    static List<Frame> violations() {
        List<Frame> f = new ArrayList<>();
        // 违规外联: internal host to an Internet address, and DNS to a public resolver (QinQ-tagged)
        f.add(eth("eth1", FrameBuilder.ethernet(H1, BOX1).ip("10.6.8.5", "198.51.100.7").udp(40000, 5000, 20).build(),
                flowKey("isolation.outbound", "10.6.8.5", "198.51.100.7", 5000)));
        f.add(eth("eth1", FrameBuilder.ethernet(H1, BOX1).vlan(FrameDecoder.ETHERTYPE_QINQ, 100).vlan(FrameDecoder.ETHERTYPE_VLAN, 20)
                .ip("10.6.8.5", "198.51.100.53").udp(40001, 53, 30).build(),
                flowKey("isolation.outbound-dns", "10.6.8.5", "198.51.100.53", 53)));
        // second packet of the same flow: counted, not reported again
        f.add(eth("eth1", FrameBuilder.ethernet(H1, BOX1).ip("10.6.8.5", "198.51.100.7").udp(40000, 5000, 20).build()));
        // IPv6 违规外联 behind an extension header, on an old-style QinQ tag
        f.add(eth("eth1", FrameBuilder.ethernet(H1, BOX1).vlan(FrameDecoder.ETHERTYPE_QINQ_OLD, 7)
                .ip("2001:db8:6:8::5", "3fff::7").withExtensionHeader().tcp(5555, 443, DecodedPacket.TCP_SYN, 0).build(),
                flowKey("isolation.outbound", "2001:db8:6:8::5", "3fff::7", 443)));
        // internal to external: no flow allows it
        f.add(eth("eth1", FrameBuilder.ethernet(H1, BOX1).vlan(FrameDecoder.ETHERTYPE_VLAN, 30)
                .ip("10.6.8.5", "198.18.80.5").tcp(40011, 445, DecodedPacket.TCP_SYN, 0).build(),
                flowKey("isolation.cross-zone", "10.6.8.5", "198.18.80.5", 445)));
        // backbone traffic in the clear on the uplink, outside the tunnel
        f.add(eth("eth0", FrameBuilder.ethernet(BOX0, HUB).ip("10.6.8.5", "10.200.1.10").tcp(50003, 443, DecodedPacket.TCP_SYN, 0).build(),
                flowKey("isolation.backbone-bypass", "10.6.8.5", "10.200.1.10", 443)));
        // external to the backbone: no flow allows it
        f.add(eth("eth2", FrameBuilder.ethernet(E1, BOX2).ip("198.18.80.5", "10.200.1.10").tcp(50001, 443, DecodedPacket.TCP_SYN, 0).build(),
                flowKey("isolation.cross-zone", "198.18.80.5", "10.200.1.10", 443)));
        // external to the Internet on a port the flow does not allow
        f.add(eth("eth2", FrameBuilder.ethernet(E1, BOX2).ip("198.18.80.5", "198.51.100.80").tcp(50002, 22, DecodedPacket.TCP_SYN, 0).build(),
                flowKey("isolation.cross-zone", "198.18.80.5", "198.51.100.80", 22)));
        // one host on both LANs
        f.add(eth("eth1", FrameBuilder.ethernet(H2, H1).ip("10.6.8.7", "10.6.8.5").udp(7000, 7001, 10).build()));
        f.add(eth("eth2", FrameBuilder.ethernet(H2, E1).ip("198.18.80.7", "198.18.80.5").udp(7000, 7001, 10).build(),
                "isolation.dual-homed|" + H2));
        // traffic on an interface the policy does not know
        f.add(eth("eth7", FrameBuilder.ethernet("02:00:00:00:07:01", "02:00:00:00:07:02").ip("192.0.2.77", "192.0.2.78").udp(1, 2, 0).build(),
                "isolation.unzoned-interface|eth7"));
        return f;
    }

    static final String STRAY = "02:00:00:00:09:01";
    static final String ROUTER = "02:00:00:00:09:fe";
    static final String LAPTOP = "02:00:00:00:09:23";
    static final String EXT_STRAY = "02:00:00:00:0a:09";
    static final String V6_STRAY = "02:00:00:00:0b:05";

    static String hostKey(String iface, String address, String mac) {
        return "isolation.unplanned-host|" + iface + "|" + address + "|" + mac;
    }

    /**
     * Hosts outside the unit's allocations (私接设备) among hosts the check must leave alone:
     * link-local, unspecified (DHCP discover, DAD), multicast, planned, and the box forwarding.
     */
    static List<Frame> strays() {
        List<Frame> f = new ArrayList<>();
        // a private router on the internal LAN, ARPing from its own range
        f.add(eth("eth1", FrameBuilder.arp(ROUTER, 1, "192.168.1.1", null, "192.168.1.254"), hostKey("eth1", "192.168.1.1", ROUTER)));
        // a client asking for the address it had elsewhere (option 50)
        f.add(eth("eth1", FrameBuilder.ethernet(STRAY, "ff:ff:ff:ff:ff:ff").ip("0.0.0.0", "255.255.255.255").udp(68, 67, 0)
                .payload(FrameBuilder.dhcp(1, 3, STRAY, "0.0.0.0", "0.0.0.0", "192.168.1.100")).build(),
                hostKey("eth1", "192.168.1.100", STRAY)));
        // a laptop with a home address sending to the Internet: 违规外联 too; 1,000 packets, one host
        byte[] laptop = FrameBuilder.ethernet(LAPTOP, BOX1).ip("192.168.1.23", "198.51.100.7").udp(40000, 5000, 20).build();
        f.add(eth("eth1", laptop, flowKey("isolation.outbound", "192.168.1.23", "198.51.100.7", 5000)));
        f.add(eth("eth1", laptop, hostKey("eth1", "192.168.1.23", LAPTOP)));
        for (int i = 0; i < 998; i++) {
            f.add(eth("eth1", laptop));
        }
        // on the external LAN: inside the province's external block, outside the unit's /28
        f.add(eth("eth2", FrameBuilder.ethernet(EXT_STRAY, BOX2).ip("198.18.81.9", "198.51.100.80").tcp(50010, 443, DecodedPacket.TCP_SYN, 0).build(),
                hostKey("eth2", "198.18.81.9", EXT_STRAY)));
        // IPv6 neighbour solicitation from an address outside the unit's /64
        f.add(eth("eth1", FrameBuilder.ethernet(V6_STRAY, "33:33:ff:00:00:01").ip("2001:db8:99::5", "ff02::1:ff00:1").ndp(135, "2001:db8:6:8::1").build(),
                hostKey("eth1", "2001:db8:99::5", V6_STRAY)));
        // silent: planned and link-local ARP, DHCP discover from 0.0.0.0, DAD from ::, multicast
        f.add(eth("eth1", FrameBuilder.arp(H1, 1, "10.6.8.5", null, "10.6.8.1")));
        f.add(eth("eth1", FrameBuilder.arp(H2, 1, "169.254.3.7", null, "169.254.3.1")));
        f.add(eth("eth1", FrameBuilder.ethernet(H2, "ff:ff:ff:ff:ff:ff").ip("0.0.0.0", "255.255.255.255").udp(68, 67, 0)
                .payload(FrameBuilder.dhcp(1, 1, H2, "0.0.0.0", "0.0.0.0", null)).build()));
        f.add(eth("eth1", FrameBuilder.ethernet(H2, "33:33:ff:00:00:07").ip("::", "ff02::1:ff00:7").ndp(135, "fe80::7").build()));
        f.add(eth("eth1", FrameBuilder.ethernet(H2, "33:33:ff:00:00:07").ip("::", "ff02::1:ff00:7").ndp(135, "2001:db8:6:8::7").build()));
        f.add(eth("eth1", FrameBuilder.ethernet(H1, "01:00:5e:00:00:fb").ip("10.6.8.5", "224.0.0.251").udp(5353, 5353, 40).build()));
        f.add(eth("eth1", FrameBuilder.ethernet(H2, "33:33:00:00:00:02").ip("fe80::7", "ff02::2").icmp(133, 8).build()));
        // planned hosts, and the box forwarding an Internet reply to one of them
        f.add(eth("eth2", FrameBuilder.ethernet(E1, BOX2).ip("198.18.80.5", "198.51.100.80").tcp(50000, 443, DecodedPacket.TCP_SYN, 0).build()));
        f.add(eth("eth2", FrameBuilder.ethernet(BOX2, E1).ip("198.51.100.80", "198.18.80.5")
                .tcp(443, 50000, DecodedPacket.TCP_SYN | DecodedPacket.TCP_ACK, 0).build()));
        f.add(eth("eth1", FrameBuilder.ethernet(H1, BOX1).ip("2001:db8:6:8::5", "2001:db8:6:8::1")
                .udp(40000, 53, 30).build()));
        return f;
    }

    /** Frames cut by a short snap length or with impossible headers: counted, never reported. */
    static List<Frame> damaged() {
        List<Frame> f = new ArrayList<>();
        byte[] violating = FrameBuilder.ethernet(H1, BOX1).ip("10.6.8.5", "198.51.100.99").udp(1, 5000, 20).build();
        f.add(new Frame("eth1", LinkType.ETHERNET, violating, 20, null)); // cut inside the IP header
        byte[] malformed = FrameBuilder.ethernet(H1, BOX1).ip("10.6.8.5", "198.51.100.98").udp(1, 5000, 20).build();
        malformed[14] = 0x43; // IPv4 header of 12 bytes
        f.add(eth("eth1", malformed));
        return f;
    }

    /** All frames, interleaved the way a real capture would hold them. */
    static List<Frame> all() {
        List<Frame> f = new ArrayList<>();
        List<Frame> c = clean();
        List<Frame> v = violations();
        List<Frame> d = damaged();
        int n = Math.max(c.size(), Math.max(v.size(), d.size()));
        for (int i = 0; i < n; i++) {
            if (i < c.size()) {
                f.add(c.get(i));
            }
            if (i < v.size()) {
                f.add(v.get(i));
            }
            if (i < d.size()) {
                f.add(d.get(i));
            }
        }
        return f;
    }

    static Set<String> expected(List<Frame> frames) {
        Set<String> keys = new LinkedHashSet<>();
        frames.stream().map(Frame::expected).filter(k -> k != null).forEach(keys::add);
        return keys;
    }

    /** Writes a pcapng file with one interface per name used, in either byte order. */
    static void writePcapng(Path file, List<Frame> frames, ByteOrder order) throws IOException {
        List<String> names = frames.stream().map(Frame::iface).distinct().toList();
        List<PcapWriter.InterfaceSpec> specs = names.stream()
                .map(n -> new PcapWriter.InterfaceSpec(n, frames.stream().filter(x -> x.iface().equals(n)).findFirst().orElseThrow().linkType()))
                .toList();
        long t = 1_764_230_400_000_000_000L;
        try (PcapWriter w = PcapWriter.create(file, PcapWriter.Format.PCAPNG, order, specs)) {
            for (Frame f : frames) {
                w.frame(names.indexOf(f.iface()), t += 1_000_000, f.bytes(), f.captured(), f.bytes().length);
            }
        }
    }

    /** Writes a pcap file of the Ethernet frames that pass {@code which}, as {@code tcpdump -i IF -w} would. */
    static void writePcap(Path file, List<Frame> frames, Predicate<Frame> which, PcapWriter.Format format, ByteOrder order)
            throws IOException {
        long t = 1_764_230_400_000_000_000L;
        try (PcapWriter w = PcapWriter.create(file, format, order, List.of(new PcapWriter.InterfaceSpec(null, LinkType.ETHERNET)))) {
            for (Frame f : frames) {
                if (f.linkType() == LinkType.ETHERNET && which.test(f)) {
                    w.frame(0, t += 1_000_000, f.bytes(), f.captured(), f.bytes().length);
                }
            }
        }
    }

    private static Frame eth(String iface, byte[] bytes) {
        return new Frame(iface, LinkType.ETHERNET, bytes, bytes.length, null);
    }

    private static Frame eth(String iface, byte[] bytes, String expected) {
        return new Frame(iface, LinkType.ETHERNET, bytes, bytes.length, expected);
    }

    private static Frame raw(String iface, byte[] bytes) {
        return new Frame(iface, LinkType.RAW, bytes, bytes.length, null);
    }

    private static byte[] arp(String mac, String sender, String target) {
        byte[] m = FrameBuilder.ethernet(mac, "ff:ff:ff:ff:ff:ff").ip(sender, target).udp(0, 0, 0).build();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(42);
        b.put(m, 0, 12).putShort((short) FrameDecoder.ETHERTYPE_ARP).putShort((short) 1).putShort((short) FrameDecoder.ETHERTYPE_IPV4)
                .put((byte) 6).put((byte) 4).putShort((short) 1).put(m, 6, 6).put(m, 26, 4).put(new byte[6]).put(m, 30, 4);
        return b.array();
    }
}
