package cn.egov.isolation.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.isolation.capture.DecodedPacket;
import cn.egov.isolation.capture.FrameBuilder;
import cn.egov.isolation.capture.FrameDecoder;
import cn.egov.isolation.capture.LinkType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FlowClassifierTest {

    private static final String HOST_MAC = "02:00:00:00:01:05";
    private static final String BOX_MAC = "02:00:00:00:00:fe";

    private final List<Finding> found = new ArrayList<>();
    private final List<Integer> repeats = new ArrayList<>();
    private FlowClassifier classifier;
    private final FrameDecoder decoder = new FrameDecoder();
    private final DecodedPacket packet = new DecodedPacket();

    @BeforeEach
    void setUp() {
        classifier = new FlowClassifier(LabPolicy.policy(), new FindingSink() {
            @Override
            public void found(int number, Finding finding) {
                found.add(finding);
            }

            @Override
            public void repeated(int number) {
                repeats.add(number);
            }
        }, 1024);
        classifier.interfaceDeclared(0, "eth1");
        classifier.interfaceDeclared(1, "eth2");
        classifier.interfaceDeclared(2, "eth0");
        classifier.interfaceDeclared(3, "ipsec0");
        classifier.interfaceDeclared(4, "eth7");
        classifier.interfaceDeclared(5, null);
        classifier.interfaceDeclared(6, "eth3");
    }

    private void feed(int iface, byte[] frame) {
        decoder.decode(iface, LinkType.ETHERNET, 1_000_000_000L, frame, 0, frame.length, frame.length, packet);
        classifier.classify(packet);
    }

    /** The tunnel is a TUN device: raw IP, no MACs. */
    private void feedRaw(int iface, byte[] packet) {
        decoder.decode(iface, LinkType.RAW, 1_000_000_000L, packet, 0, packet.length, packet.length, this.packet);
        classifier.classify(this.packet);
    }

    private static FrameBuilder eth(String mac) {
        return FrameBuilder.ethernet(mac, BOX_MAC);
    }

    @Test
    void internalHostToTheInternetIsOutboundAndDnsToAPublicResolverIsOutboundDns() {
        feed(0, eth(HOST_MAC).ip("10.1.0.5", "198.51.100.7").udp(40000, 5000, 10).build());
        feed(0, eth(HOST_MAC).ip("10.1.0.5", "198.51.100.53").udp(40001, 53, 30).build());
        feed(0, eth(HOST_MAC).ip("2001:db8:1::5", "3fff::7").withExtensionHeader().tcp(5555, 443, DecodedPacket.TCP_SYN, 0).build());
        assertEquals(List.of(FindingRule.OUTBOUND, FindingRule.OUTBOUND_DNS, FindingRule.OUTBOUND),
                found.stream().map(Finding::rule).toList());
        Finding dns = found.get(1);
        assertEquals("eth1", dns.interfaceName());
        assertEquals("10.1.0.5", dns.source());
        assertEquals("198.51.100.53", dns.destination());
        assertEquals(53, dns.destinationPort());
        assertEquals("udp", dns.protocol());
        assertEquals(HOST_MAC, dns.mac());
        assertEquals("3fff::7", found.get(2).destination());
        assertTrue(dns.toAlarm().evidence().keySet().containsAll(List.of("time", "interface", "src", "dst", "sport", "dport", "proto", "mac", "rule")));
    }

    @Test
    void aFlowIsReportedOnceAndItsLaterPacketsCounted() {
        for (int i = 0; i < 5; i++) {
            feed(0, eth(HOST_MAC).ip("10.1.0.5", "198.51.100.7").udp(40000, 5000, 10).build());
        }
        feed(0, eth(HOST_MAC).ip("10.1.0.5", "198.51.100.7").udp(40002, 5000, 10).build());
        assertEquals(2, found.size());
        assertEquals(List.of(0, 0, 0, 0), repeats);
        assertEquals(6, classifier.packetsByRule()[FindingRule.OUTBOUND.ordinal()]);
    }

    @Test
    void backboneTrafficOutsideTheTunnelIsABypassButTheTunnelItselfIsNot() {
        feedRaw(3, FrameBuilder.rawIp().ip("10.1.0.5", "172.16.5.5").tcp(3333, 443, DecodedPacket.TCP_SYN, 0).build());
        feed(2, eth(BOX_MAC).ip("198.51.100.2", "192.0.2.1").protocol(DecodedPacket.PROTO_ESP, 100).build());
        feed(2, eth(BOX_MAC).ip("198.51.100.2", "192.0.2.1").udp(4500, 4500, 100).build());
        assertEquals(List.of(), found);
        // on the internal LAN a backbone destination is on its way into the tunnel: allowed flow
        feed(0, eth(HOST_MAC).ip("10.1.0.5", "172.16.5.5").tcp(3335, 443, DecodedPacket.TCP_SYN, 0).build());
        assertEquals(List.of(), found);
        // in the clear on the Internet uplink: bypass
        feed(2, eth("02:00:00:00:02:09").ip("10.2.0.9", "172.16.5.5").tcp(3334, 443, DecodedPacket.TCP_SYN, 0).build());
        assertEquals(List.of(FindingRule.BACKBONE_BYPASS), found.stream().map(Finding::rule).toList());
    }

    @Test
    void crossZoneNeedsAnAllowedFlowAndRepliesOfAllowedFlowsPass() {
        feed(0, eth(HOST_MAC).ip("10.1.0.5", "10.2.0.9").tcp(3000, 443, DecodedPacket.TCP_SYN, 0).build());
        feed(1, eth("02:00:00:00:02:09").ip("10.2.0.9", "10.1.0.5").tcp(443, 3000, DecodedPacket.TCP_SYN | DecodedPacket.TCP_ACK, 0).build());
        feed(6, eth("02:00:00:00:09:02").ip("10.9.0.2", "10.1.0.5").tcp(4000, 22, DecodedPacket.TCP_SYN, 0).build());
        assertEquals(List.of(), found);
        // ssh to 10.1.1.0/24 is outside the admin flow's destinations; 10.1.0.5 -> 10.2.0.9:22 has no flow;
        // a SYN from external to an internal port 3000 is not a reply even though internal->external:443 exists
        feed(6, eth("02:00:00:00:09:02").ip("10.9.0.2", "10.1.1.5").tcp(4001, 22, DecodedPacket.TCP_SYN, 0).build());
        feed(0, eth(HOST_MAC).ip("10.1.0.5", "10.2.0.9").tcp(3001, 22, DecodedPacket.TCP_SYN, 0).build());
        feed(1, eth("02:00:00:00:02:09").ip("10.2.0.9", "10.1.0.5").tcp(443, 3000, DecodedPacket.TCP_SYN, 0).build());
        assertEquals(List.of(FindingRule.CROSS_ZONE, FindingRule.CROSS_ZONE, FindingRule.CROSS_ZONE),
                found.stream().map(Finding::rule).toList());
        assertTrue(found.get(1).policyRule().contains("internal to zone external for tcp/22"), found.get(1).policyRule());
    }

    /**
     * Clean flows are remembered so their later packets skip the address rules: whatever the
     * rules read must be part of what is remembered, or a violation would pass as a repeat.
     */
    @Test
    void aRememberedCleanFlowNeverHidesAViolationThatDiffersInAnythingTheRulesRead() {
        // a reply of the allowed internal->external https flow, twice: clean and remembered
        feed(1, eth("02:00:00:00:02:09").ip("10.2.0.9", "10.1.0.5").tcp(443, 3000, DecodedPacket.TCP_ACK, 0).build());
        feed(1, eth("02:00:00:00:02:09").ip("10.2.0.9", "10.1.0.5").tcp(443, 3000, DecodedPacket.TCP_ACK, 0).build());
        assertEquals(List.of(), found);
        // the same addresses and ports as an opening SYN are no reply
        feed(1, eth("02:00:00:00:02:09").ip("10.2.0.9", "10.1.0.5").tcp(443, 3000, DecodedPacket.TCP_SYN, 0).build());
        // another destination port, another protocol
        feed(0, eth(HOST_MAC).ip("10.1.0.5", "10.2.0.9").tcp(3000, 443, DecodedPacket.TCP_SYN, 0).build());
        feed(0, eth(HOST_MAC).ip("10.1.0.5", "10.2.0.9").tcp(3000, 443, DecodedPacket.TCP_SYN, 0).build());
        feed(0, eth(HOST_MAC).ip("10.1.0.5", "10.2.0.9").tcp(3000, 444, DecodedPacket.TCP_SYN, 0).build());
        feed(0, eth(HOST_MAC).ip("10.1.0.5", "10.2.0.9").udp(3000, 443, 0).build());
        // internal -> backbone is allowed on the LAN; the very same packet on the Internet uplink is a bypass
        feed(0, eth(HOST_MAC).ip("10.1.0.5", "172.16.5.5").tcp(3335, 443, DecodedPacket.TCP_SYN, 0).build());
        feed(2, eth("02:00:00:00:02:07").ip("10.1.0.5", "172.16.5.5").tcp(3335, 443, DecodedPacket.TCP_SYN, 0).build());
        // a destination outside the plan
        feed(0, eth(HOST_MAC).ip("10.1.0.5", "198.51.100.9").udp(1, 2, 0).build());
        assertEquals(List.of(FindingRule.CROSS_ZONE, FindingRule.CROSS_ZONE, FindingRule.CROSS_ZONE, FindingRule.BACKBONE_BYPASS,
                FindingRule.OUTBOUND), found.stream().map(Finding::rule).toList());
        assertEquals(1, classifier.packetsByRule()[FindingRule.BACKBONE_BYPASS.ordinal()]);
        // a remembered flow still has its MAC checked: the host turns up in the external zone
        feed(0, eth("02:00:00:00:07:07").ip("10.1.0.7", "10.1.0.1").udp(1, 2, 0).build());
        feed(0, eth("02:00:00:00:07:07").ip("10.1.0.7", "10.1.0.1").udp(1, 2, 0).build());
        feed(1, eth("02:00:00:00:07:07").ip("10.2.0.7", "10.2.0.1").udp(1, 2, 0).build());
        assertEquals(FindingRule.DUAL_HOMED, found.get(found.size() - 1).rule());
    }

    @Test
    void oneMacInTwoZonesIsDualHomed() {
        feed(0, eth(HOST_MAC).ip("10.1.0.5", "10.1.0.1").udp(1, 2, 0).build());
        feed(1, eth(HOST_MAC).ip("10.2.0.77", "10.2.0.1").udp(1, 2, 0).build());
        feed(1, eth(HOST_MAC).ip("10.2.0.77", "10.2.0.1").udp(3, 4, 0).build());
        assertEquals(List.of(FindingRule.DUAL_HOMED), found.stream().map(Finding::rule).toList());
        assertEquals(HOST_MAC, found.get(0).mac());
    }

    @Test
    void withoutInterfaceNamesARouterForwardingBetweenZonesIsNotDualHomedButAHostIs() {
        // the box's MAC carries internal and external sources when forwarding: not a finding
        feed(5, eth(BOX_MAC).ip("10.1.0.5", "10.2.0.9").tcp(3000, 443, DecodedPacket.TCP_SYN, 0).build());
        feed(5, eth(BOX_MAC).ip("10.2.0.1", "10.2.0.9").udp(1, 2, 0).build());
        assertEquals(List.of(), found);
        // a host talking locally in two zones is
        feed(5, eth(HOST_MAC).ip("10.1.0.5", "10.1.0.6").udp(1, 2, 0).build());
        feed(5, eth(HOST_MAC).ip("10.2.0.5", "10.2.0.6").udp(1, 2, 0).build());
        assertEquals(List.of(FindingRule.DUAL_HOMED), found.stream().map(Finding::rule).toList());
    }

    @Test
    void trafficOnAnInterfaceOfNoZoneIsReportedOncePerInterface() {
        feed(4, eth(HOST_MAC).ip("10.2.0.5", "10.2.0.6").udp(1, 2, 0).build());
        feed(4, eth(HOST_MAC).ip("10.2.0.5", "10.2.0.6").udp(3, 4, 0).build());
        assertEquals(List.of(FindingRule.UNZONED_INTERFACE), found.stream().map(Finding::rule).toList());
        assertEquals("eth7", found.get(0).interfaceName());
    }

    @Test
    void localScopeAndPlannedDestinationsAreNotOutbound() {
        feed(0, eth(HOST_MAC).ip("10.1.0.5", "255.255.255.255").udp(68, 67, 0).build());
        feed(0, eth(HOST_MAC).ip("10.1.0.5", "224.0.0.251").udp(5353, 5353, 0).build());
        feed(0, eth(HOST_MAC).ip("2001:db8:1::5", "ff02::1").icmp(135, 0).build());
        feed(0, eth(HOST_MAC).ip("10.1.0.5", "172.16.0.53").udp(40000, 53, 0).build()); // planned resolver in the backbone
        assertEquals(List.of(), found);
    }
}
