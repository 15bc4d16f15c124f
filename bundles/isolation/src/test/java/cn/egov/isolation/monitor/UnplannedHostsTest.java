package cn.egov.isolation.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.telemetry.Alarm;
import cn.egov.isolation.capture.DecodedPacket;
import cn.egov.isolation.capture.FrameBuilder;
import cn.egov.isolation.capture.FrameDecoder;
import cn.egov.isolation.capture.LinkType;
import cn.egov.isolation.capture.PcapWriter;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unplanned-host check (私接设备) of the classifier: every way a host shows an address on an
 * internal or external LAN (IP source, ARP, DHCP, neighbour discovery), what never counts, once per
 * host, the box itself, the bounded table; and the same through {@link OfflineAudit} on a capture file.
 */
class UnplannedHostsTest {

    private static final String BOX1 = "02:00:00:00:00:f1";
    private static final String BOX2 = "02:00:00:00:00:f2";
    private static final String PLANNED = "02:00:00:00:01:05";
    private static final String STRAY = "02:00:00:00:09:01";
    private static final String ROUTER = "02:00:00:00:09:fe";
    private static final String EXTERNAL_STRAY = "02:00:00:00:0a:01";
    private static final String BROADCAST = "ff:ff:ff:ff:ff:ff";
    private static final int ETH1 = 0;
    private static final int ETH2 = 1;
    private static final int IPSEC0 = 2;
    private static final int UPLINK = 3;
    private static final int UNNAMED = 4;

    /** The unit's allocations: internal 10.1.0.0/24 and 2001:db8:1::/64 (eth1), external 10.2.0.0/24 (eth2). */
    static ClassificationPolicy policy() {
        Map<String, List<Prefix>> plan = new LinkedHashMap<>();
        plan.put("internal", LabPolicy.prefixes("10.1.0.0/24", "2001:db8:1::/64"));
        plan.put("external", LabPolicy.prefixes("10.2.0.0/24"));
        return LabPolicy.policy().withHostPlan(ClassificationPolicy.HostPlan.of("130602-001", plan));
    }

    private final List<Finding> found = new ArrayList<>();
    private final List<Integer> repeats = new ArrayList<>();
    private final List<String> overflows = new ArrayList<>();
    private final FrameDecoder decoder = new FrameDecoder();
    private final DecodedPacket packet = new DecodedPacket();
    private FlowClassifier classifier;

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        classifier = classifier(policy(), 1024);
    }

    private FlowClassifier classifier(ClassificationPolicy policy, int hostTable) {
        FlowClassifier c = new FlowClassifier(policy, new FindingSink() {
            @Override
            public void found(int number, Finding finding) {
                found.add(finding);
            }

            @Override
            public void repeated(int number) {
                repeats.add(number);
            }

            @Override
            public void tableOverflow(String table, long count) {
                overflows.add(table + " " + count);
            }
        }, 1024, hostTable);
        c.interfaceDeclared(ETH1, "eth1");
        c.interfaceDeclared(ETH2, "eth2");
        c.interfaceDeclared(IPSEC0, "ipsec0");
        c.interfaceDeclared(UPLINK, "eth0");
        c.interfaceDeclared(UNNAMED, null);
        return c;
    }

    private void feed(int iface, byte[] frame) {
        feed(iface, frame, frame.length);
    }

    private void feed(int iface, byte[] frame, int captured) {
        decoder.decode(iface, LinkType.ETHERNET, 1_764_230_400_000_000_000L, frame, 0, captured, frame.length, packet);
        classifier.classify(packet);
    }

    private List<Finding> hosts() {
        return found.stream().filter(f -> f.rule() == FindingRule.UNPLANNED_HOST).toList();
    }

    private static byte[] dhcp(String srcMac, String src, String dst, int sport, int dport, byte[] message) {
        return FrameBuilder.ethernet(srcMac, BROADCAST).ip(src, dst).udp(sport, dport, 0).payload(message).build();
    }

    @Test
    void arpAndDhcpFromAPrivateRouterOnTheInternalLanAreFoundWithTheirEvidence() {
        // a home router plugged into the internal LAN: ARP for its own gateway, then a DHCP offer of its own range
        feed(ETH1, FrameBuilder.arp(ROUTER, 1, "192.168.1.1", null, "192.168.1.254"));
        feed(ETH1, dhcp(ROUTER, "192.168.1.1", "255.255.255.255", 67, 68,
                FrameBuilder.dhcp(2, 2, PLANNED, "0.0.0.0", "192.168.1.100", null)));
        // a laptop asking for the address it had at home (option 50), and renewing it (ciaddr)
        feed(ETH1, dhcp(STRAY, "0.0.0.0", "255.255.255.255", 68, 67, FrameBuilder.dhcp(1, 3, STRAY, "0.0.0.0", "0.0.0.0", "192.168.1.23")));
        feed(ETH1, dhcp(STRAY, "192.168.1.24", "10.1.0.2", 68, 67, FrameBuilder.dhcp(1, 3, STRAY, "192.168.1.24", "0.0.0.0", null)));
        List<Finding> hosts = hosts();
        assertEquals(List.of("192.168.1.1|" + ROUTER + "|ARP sender",
                        "192.168.1.100|" + PLANNED + "|DHCP offered address (yiaddr) in a DHCPOFFER",
                        "192.168.1.23|" + STRAY + "|DHCP requested address (option 50) in a DHCPREQUEST",
                        "192.168.1.24|" + STRAY + "|DHCP client address (ciaddr) in a DHCPREQUEST"),
                hosts.stream().map(f -> f.source() + "|" + f.mac() + "|" + f.seen()).toList());
        // the server's own source is the same host as its ARP: counted, not a second finding
        assertEquals(1, repeats.size());
        Finding arp = hosts.get(0);
        assertEquals("eth1", arp.interfaceName());
        assertEquals("arp", arp.protocol());
        assertEquals("dhcp", hosts.get(1).protocol());
        assertEquals("10.1.0.0/24, 2001:db8:1::/64", arp.planned());
        assertTrue(arp.policyRule().contains("zone internal") && arp.policyRule().contains("130602-001")
                && arp.policyRule().contains("10.1.0.0/24, 2001:db8:1::/64"), arp.policyRule());
        Alarm alarm = arp.toAlarm();
        assertEquals("isolation.unplanned-host", alarm.kind());
        assertEquals(Alarm.Severity.MAJOR, alarm.severity());
        assertTrue(alarm.message().contains("192.168.1.1") && alarm.message().contains(ROUTER)
                && alarm.message().contains("10.1.0.0/24"), alarm.message());
        Map<String, String> ev = alarm.evidence();
        assertEquals("192.168.1.1", ev.get("src"));
        assertEquals(ROUTER, ev.get("mac"));
        assertEquals("eth1", ev.get("interface"));
        assertEquals("ARP sender", ev.get("seen"));
        assertEquals("10.1.0.0/24, 2001:db8:1::/64", ev.get("planned"));
        assertTrue(ev.containsKey("time") && ev.containsKey("rule"), ev.toString());
        assertNull(ev.get("dst"));
    }

    @Test
    void theDhcpServerItselfIsAHostWhenItOffersFromOutsideThePlan() {
        // a rogue server offering a planned address, unicast: its source is still no router's forwarding
        feed(ETH1, FrameBuilder.ethernet(ROUTER, PLANNED).ip("192.168.0.1", "10.1.0.77").udp(67, 68, 0)
                .payload(FrameBuilder.dhcp(2, 5, PLANNED, "0.0.0.0", "10.1.0.77", null)).build());
        assertEquals(List.of("192.168.0.1|DHCP server in a DHCPACK"), hosts().stream().map(f -> f.source() + "|" + f.seen()).toList());
        // cut by a short snap length: the fixed fields still count, without the message type
        found.clear();
        byte[] offer = FrameBuilder.ethernet(ROUTER, BROADCAST).ip("192.168.0.1", "255.255.255.255").udp(67, 68, 0)
                .payload(FrameBuilder.dhcp(2, 2, STRAY, "0.0.0.0", "192.168.0.50", null)).build();
        feed(ETH1, offer, 128);
        assertEquals(List.of("192.168.0.50|" + STRAY + "|DHCP offered address (yiaddr)"),
                hosts().stream().map(f -> f.source() + "|" + f.mac() + "|" + f.seen()).toList());
    }

    @Test
    void gratuitousArpProbesIpSourcesOnTheExternalLanAndNeighbourDiscoveryAllCount() {
        feed(ETH1, FrameBuilder.arp(STRAY, 1, "172.20.0.5", null, "172.20.0.5"));                 // gratuitous
        feed(ETH1, FrameBuilder.arp(STRAY, 1, "0.0.0.0", null, "172.20.0.6"));                    // probe
        feed(ETH2, FrameBuilder.ethernet(EXTERNAL_STRAY, BOX2).ip("10.2.9.9", "198.51.100.7").tcp(40000, 443, DecodedPacket.TCP_SYN, 0).build());
        feed(ETH1, FrameBuilder.ethernet(STRAY, "33:33:ff:00:00:01").ip("2001:db8:99::5", "ff02::1:ff00:1").ndp(135, "2001:db8:1::1").build());
        feed(ETH1, FrameBuilder.ethernet(STRAY, "33:33:00:00:00:01").ip("fe80::99", "ff02::1").ndp(136, "2001:db8:99::6").build());
        feed(ETH1, FrameBuilder.ethernet(STRAY, "33:33:ff:00:00:07").ip("::", "ff02::1:ff00:7").ndp(135, "2001:db8:99::7").build());
        assertEquals(List.of("eth1|172.20.0.5|gratuitous ARP", "eth1|172.20.0.6|ARP probe target",
                        "eth2|10.2.9.9|IPv4 source, tcp to 198.51.100.7 port 443",
                        "eth1|2001:db8:99::5|neighbour discovery source", "eth1|2001:db8:99::6|neighbour advertisement target",
                        "eth1|2001:db8:99::7|duplicate address detection target"),
                hosts().stream().map(f -> f.interfaceName() + "|" + f.source() + "|" + f.seen()).toList());
        assertEquals("10.2.0.0/24", hosts().get(2).planned());
        assertTrue(hosts().get(2).policyRule().contains("zone external"), hosts().get(2).policyRule());
        // the external host's 10.2.9.9 is also in the external zone's policy prefixes: no other finding for it
        assertEquals(hosts().size(), found.size());
    }

    @Test
    void linkLocalUnspecifiedMulticastPlannedAndForwardedAddressesAreSilent() {
        feed(ETH1, FrameBuilder.arp(PLANNED, 1, "10.1.0.5", null, "10.1.0.1"));
        feed(ETH1, FrameBuilder.arp(PLANNED, 1, "169.254.7.7", null, "169.254.7.1"));
        feed(ETH1, FrameBuilder.arp(PLANNED, 1, "0.0.0.0", null, "10.1.0.9"));                    // probe for a planned address
        // DHCP discover from 0.0.0.0 (no requested address), and an ack of a planned address from a planned server
        feed(ETH1, dhcp(PLANNED, "0.0.0.0", "255.255.255.255", 68, 67, FrameBuilder.dhcp(1, 1, PLANNED, "0.0.0.0", "0.0.0.0", null)));
        feed(ETH1, dhcp(BOX1, "10.1.0.2", "255.255.255.255", 67, 68, FrameBuilder.dhcp(2, 5, PLANNED, "0.0.0.0", "10.1.0.5", null)));
        // duplicate address detection from :: for a link-local and for a planned address; router solicitation from fe80
        feed(ETH1, FrameBuilder.ethernet(PLANNED, "33:33:ff:00:00:05").ip("::", "ff02::1:ff00:5").ndp(135, "fe80::5").build());
        feed(ETH1, FrameBuilder.ethernet(PLANNED, "33:33:ff:00:00:05").ip("::", "ff02::1:ff00:5").ndp(135, "2001:db8:1::5").build());
        feed(ETH1, FrameBuilder.ethernet(PLANNED, "33:33:00:00:00:02").ip("fe80::5", "ff02::2").icmp(133, 8).build());
        // mDNS and a planned host's own traffic
        feed(ETH1, FrameBuilder.ethernet(PLANNED, "01:00:5e:00:00:fb").ip("10.1.0.5", "224.0.0.251").udp(5353, 5353, 40).build());
        feed(ETH1, FrameBuilder.ethernet(PLANNED, BOX1).ip("2001:db8:1::5", "2001:db8:ff::53").udp(40000, 53, 30).build());
        // multicast and broadcast "sources" are no host's
        feed(ETH1, FrameBuilder.ethernet(STRAY, BROADCAST).ip("224.0.0.9", "255.255.255.255").udp(1, 2, 0).build());
        feed(ETH1, FrameBuilder.ethernet(STRAY, BROADCAST).ip("255.255.255.255", "10.1.0.255").udp(1, 2, 0).build());
        // the box forwarding a reply from the backbone to a planned host: its source is no host on this LAN
        feed(ETH1, FrameBuilder.ethernet(BOX1, PLANNED).ip("172.16.1.53", "10.1.0.5").udp(53, 40000, 60).build());
        // the tunnel and the uplink are no LAN
        feed(UPLINK, FrameBuilder.ethernet(STRAY, BOX1).ip("192.0.2.1", "192.0.2.10").protocol(DecodedPacket.PROTO_ESP, 50).build());
        feed(IPSEC0, FrameBuilder.ethernet(STRAY, BOX1).ip("172.16.1.53", "10.1.0.5").udp(53, 40000, 60).build());
        assertEquals(List.of(), hosts());
    }

    @Test
    void oneStrayHostIsOneFindingHoweverManyPacketsAndWaysItShowsItself() throws Exception {
        Path file = dir.resolve("stray.pcapng");
        try (PcapWriter w = PcapWriter.create(file, PcapWriter.Format.PCAPNG, ByteOrder.LITTLE_ENDIAN,
                List.of(new PcapWriter.InterfaceSpec("eth1", LinkType.ETHERNET)))) {
            long t = 1_764_230_400_000_000_000L;
            w.frame(0, t, FrameBuilder.arp(STRAY, 1, "192.168.1.100", null, "192.168.1.1"));
            for (int i = 0; i < 999; i++) {
                w.frame(0, t += 1_000_000, FrameBuilder.ethernet(STRAY, BOX1).ip("192.168.1.100", "172.16.1.53")
                        .udp(20000 + i, 53, 30).build());
            }
        }
        AuditReport r = new OfflineAudit(policy(), "lab", "130602-001", 1024, 2).run(file, null);
        List<AuditReport.Entry> hosts = r.findings().stream().filter(e -> e.finding().rule() == FindingRule.UNPLANNED_HOST).toList();
        assertEquals(1, hosts.size(), r.findings().toString());
        assertEquals(1, r.findings().size(), r.findings().toString());
        assertEquals(1000L, hosts.get(0).packets());
        assertEquals("ARP sender", hosts.get(0).finding().seen());
        assertTrue(r.unplannedHostCheckOn());
        assertTrue(r.unplannedHostCheck().startsWith("unit 130602-001; internal 10.1.0.0/24, 2001:db8:1::/64; external 10.2.0.0/24"),
                r.unplannedHostCheck());
        // the same host on another interface, or with another MAC, is another finding
        feed(ETH1, FrameBuilder.arp(STRAY, 1, "192.168.1.100", null, "192.168.1.1"));
        feed(ETH2, FrameBuilder.arp(STRAY, 1, "192.168.1.100", null, "192.168.1.1"));
        feed(ETH1, FrameBuilder.arp(ROUTER, 1, "192.168.1.100", null, "192.168.1.1"));
        feed(ETH1, FrameBuilder.ethernet(STRAY, BOX1).ip("192.168.1.100", "198.51.100.9").udp(1, 2, 0).build());
        assertEquals(3, hosts().size());
    }

    @Test
    void theBoxsOwnAddressesAndFramesAreNeverUnplannedHosts() {
        classifier.boxOwns(LabPolicy.prefixes("192.168.77.1", "fe80::f1"), new long[] {0x0200_0000_00f1L});
        // the box answering ARP for its own address outside the plan, and forwarding a stray's reply
        feed(ETH1, FrameBuilder.arp("02:00:00:00:00:f3", 2, "192.168.77.1", PLANNED, "10.1.0.5"));
        feed(ETH1, FrameBuilder.ethernet(BOX1, STRAY).ip("198.51.100.7", "192.168.1.100").udp(53, 40000, 30).build());
        assertEquals(List.of(), hosts());
        feed(ETH1, FrameBuilder.arp(STRAY, 1, "192.168.77.2", null, "192.168.77.1"));
        assertEquals(List.of("192.168.77.2"), hosts().stream().map(Finding::source).toList());
    }

    @Test
    void aFullHostTableIsClearedAndReported() {
        classifier = classifier(policy(), 16);
        for (int i = 0; i < 20; i++) {
            feed(ETH1, FrameBuilder.arp(STRAY, 1, "192.168.1." + (i + 1), null, "192.168.1.254"));
        }
        assertEquals(20, hosts().size());
        assertEquals(List.of(FlowClassifier.HOST_TABLE + " 1"), overflows);
        assertEquals(4, classifier.unplannedHosts());
        assertEquals(1, classifier.unplannedHostTableOverflows());
        // after the clear a host seen before is reported again rather than a new one lost
        feed(ETH1, FrameBuilder.arp(STRAY, 1, "192.168.1.1", null, "192.168.1.254"));
        assertEquals(21, hosts().size());
    }

    @Test
    void withoutAUnitTheCheckIsOffAndTheAuditSaysSo() throws Exception {
        classifier = classifier(LabPolicy.policy(), 1024);
        feed(ETH1, FrameBuilder.arp(STRAY, 1, "192.168.1.100", null, "192.168.1.1"));
        assertEquals(List.of(), hosts());
        Path file = dir.resolve("stray.pcap");
        try (PcapWriter w = PcapWriter.create(file, PcapWriter.Format.PCAP_MICROS, ByteOrder.LITTLE_ENDIAN,
                List.of(new PcapWriter.InterfaceSpec(null, LinkType.ETHERNET)))) {
            w.frame(0, 1_000_000_000L, FrameBuilder.arp(STRAY, 1, "192.168.1.100", null, "192.168.1.1"));
        }
        AuditReport off = new OfflineAudit(LabPolicy.policy(), "lab", null).run(file, "eth1");
        assertFalse(off.unplannedHostCheckOn());
        assertEquals("off: " + ClassificationPolicy.HostPlan.NO_UNIT, off.unplannedHostCheck());
        assertTrue(off.clean());
        // on, but a pcap that does not name its interface cannot be placed on a LAN: said, not guessed
        AuditReport unnamed = new OfflineAudit(policy(), "lab", "130602-001").run(file, null);
        assertTrue(unnamed.clean());
        assertTrue(unnamed.unplannedHostCheck().endsWith("1 frames not checked: the capture does not name their interface"
                + " (pcap: give --interface)"), unnamed.unplannedHostCheck());
        AuditReport named = new OfflineAudit(policy(), "lab", "130602-001").run(file, "eth1");
        assertEquals(1, named.findings().size());
        java.io.StringWriter text = new java.io.StringWriter();
        AuditReportWriter.table(named, new java.io.PrintWriter(text));
        assertTrue(text.toString().contains("unplanned hosts: unit 130602-001; internal 10.1.0.0/24"), text.toString());
        assertTrue(text.toString().contains("(seen: ARP sender)") && text.toString().contains("0 violating flows, 1 unplanned hosts"),
                text.toString());
        // the technician's words first: the finding's Chinese name, and the totals in Chinese
        assertTrue(text.toString().contains("1. 私接设备 isolation.unplanned-host: ") && text.toString().contains("违规流量 0 条，私接设备 1 台"),
                text.toString());
    }
}
