package cn.egov.isolation.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

    private final FrameDecoder decoder = new FrameDecoder();
    private final DecodedPacket p = new DecodedPacket();

    private DecodedPacket.Kind decode(int linkType, byte[] frame) {
        return decoder.decode(0, linkType, 0L, frame, 0, frame.length, frame.length, p);
    }

    @Test
    void qinqStackWithIpv4Udp() {
        byte[] f = FrameBuilder.ethernet("02:00:00:00:00:05", "02:00:00:00:00:fe")
                .vlan(FrameDecoder.ETHERTYPE_QINQ, 100).vlan(FrameDecoder.ETHERTYPE_VLAN, 20)
                .ip("10.1.0.5", "198.51.100.53").udp(40000, 53, 30).build();
        assertEquals(DecodedPacket.Kind.IP, decode(LinkType.ETHERNET, f));
        assertEquals(100, p.outerVlan);
        assertEquals(20, p.innerVlan);
        assertEquals(4, p.ipVersion);
        assertEquals(DecodedPacket.PROTO_UDP, p.protocol);
        assertEquals(40000, p.srcPort);
        assertEquals(53, p.dstPort);
        assertEquals(0x0200_0000_0005L, p.srcMac);
        assertEquals(0x0000_FFFF_0A01_0005L, p.srcLo);
        assertEquals(0x0000_FFFF_C633_6435L, p.dstLo);
    }

    @Test
    void oldQinqTagAndSingleTag() {
        byte[] f = FrameBuilder.ethernet("02:00:00:00:00:05", "02:00:00:00:00:fe")
                .vlan(FrameDecoder.ETHERTYPE_QINQ_OLD, 7).ip("10.1.0.5", "10.2.0.9").tcp(1234, 22, DecodedPacket.TCP_SYN, 0).build();
        assertEquals(DecodedPacket.Kind.IP, decode(LinkType.ETHERNET, f));
        assertEquals(7, p.outerVlan);
        assertEquals(-1, p.innerVlan);
        assertEquals(22, p.dstPort);
        assertEquals(true, p.tcpOpening());
    }

    @Test
    void ipv6WithExtensionHeaderReachesTheTransportPorts() {
        byte[] f = FrameBuilder.ethernet("02:00:00:00:00:05", "02:00:00:00:00:fe")
                .ip("2001:db8:1::5", "3fff::7").withExtensionHeader().tcp(5555, 443, DecodedPacket.TCP_SYN, 0).build();
        assertEquals(DecodedPacket.Kind.IP, decode(LinkType.ETHERNET, f));
        assertEquals(6, p.ipVersion);
        assertEquals(DecodedPacket.PROTO_TCP, p.protocol);
        assertEquals(443, p.dstPort);
        assertEquals(0x2001_0db8_0001_0000L, p.srcHi);
        assertEquals(5L, p.srcLo);
        assertEquals(0x3fff_0000_0000_0000L, p.dstHi);
    }

    @Test
    void truncatedAndMalformedFramesAreToldApart() {
        byte[] f = FrameBuilder.ethernet("02:00:00:00:00:05", "02:00:00:00:00:fe").ip("10.1.0.5", "10.2.0.9").udp(1, 2, 0).build();
        assertEquals(DecodedPacket.Kind.TRUNCATED, decoder.decode(0, LinkType.ETHERNET, 0, f, 0, 20, 60, p));
        assertEquals(DecodedPacket.Kind.TRUNCATED, decoder.decode(0, LinkType.ETHERNET, 0, f, 0, 36, 60, p));
        assertEquals(DecodedPacket.Kind.TRUNCATED, decoder.decode(0, LinkType.ETHERNET, 0, f, 0, 8, 60, p));
        byte[] bad = f.clone();
        bad[14] = 0x42; // version 4, header length 8 bytes: impossible
        assertEquals(DecodedPacket.Kind.MALFORMED, decode(LinkType.ETHERNET, bad));
        assertEquals(DecodedPacket.Kind.UNSUPPORTED_LINK, decode(147, f));
    }

    @Test
    void arpGivesTheSenderAddress() {
        ByteBuffer arp = ByteBuffer.allocate(42);
        arp.put(new byte[] {-1, -1, -1, -1, -1, -1, 2, 0, 0, 0, 0, 5}).putShort((short) 0x0806)
                .putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1)
                .put(new byte[] {2, 0, 0, 0, 0, 5}).put(new byte[] {10, 1, 0, 5});
        assertEquals(DecodedPacket.Kind.OTHER, decode(LinkType.ETHERNET, arp.array()));
        assertEquals(true, p.arpSender);
        assertEquals(0x0000_FFFF_0A01_0005L, p.srcLo);
    }

    @Test
    void linuxCookedAndRawLinkTypes() {
        byte[] ip = FrameBuilder.rawIp().ip("10.1.0.5", "10.2.0.9").udp(9, 10, 0).build();
        assertEquals(DecodedPacket.Kind.IP, decode(LinkType.RAW, ip));
        assertEquals(10, p.dstPort);
        ByteBuffer sll2 = ByteBuffer.allocate(20 + ip.length);
        sll2.putShort((short) 0x0800).putShort((short) 0).putInt(3).putShort((short) 1).put((byte) 0).put((byte) 6)
                .put(new byte[] {2, 0, 0, 0, 0, 7, 0, 0}).put(ip);
        assertEquals(DecodedPacket.Kind.IP, decode(LinkType.LINUX_SLL2, sll2.array()));
        assertEquals(0x0200_0000_0007L, p.srcMac);
        ByteBuffer sll = ByteBuffer.allocate(16 + ip.length);
        sll.putShort((short) 0).putShort((short) 1).putShort((short) 6).put(new byte[] {2, 0, 0, 0, 0, 8, 0, 0})
                .putShort((short) 0x0800).put(ip);
        assertEquals(DecodedPacket.Kind.IP, decode(LinkType.LINUX_SLL, sll.array()));
        assertEquals(0x0200_0000_0008L, p.srcMac);
        assertEquals(9, p.srcPort);
    }

    /**
     * The addresses ARP, DHCP and neighbour discovery claim, with the MAC they are claimed for;
     * every cut gives the same claims alone and inside a chunk (the options are read only as far
     * as they were captured, never past the frame).
     */
    @Test
    void claimsOfArpDhcpAndNeighbourDiscoveryAtEveryCut() {
        String host = "02:00:00:00:00:01";
        String client = "02:00:00:00:00:0c";
        record Case(byte[] frame, AddressClaim kind, String address, long mac, int dhcpType) {
        }
        java.util.List<Case> cases = java.util.List.of(
                new Case(FrameBuilder.ethernet(host, "ff:ff:ff:ff:ff:ff").vlan(FrameDecoder.ETHERTYPE_VLAN, 30).ip("0.0.0.0", "255.255.255.255")
                        .udp(68, 67, 0).payload(FrameBuilder.dhcp(1, 3, client, "0.0.0.0", "0.0.0.0", "192.168.1.7")).build(),
                        AddressClaim.DHCP_REQUESTED, "192.168.1.7", 0x0200_0000_000cL, 3),
                new Case(FrameBuilder.ethernet(host, "ff:ff:ff:ff:ff:ff").ip("192.168.1.1", "255.255.255.255").udp(67, 68, 0)
                        .payload(FrameBuilder.dhcp(2, 2, client, "0.0.0.0", "192.168.1.9", null)).build(),
                        AddressClaim.DHCP_SERVER, "192.168.1.1", 0x0200_0000_0001L, 2),
                new Case(FrameBuilder.ethernet(host, "33:33:ff:00:00:07").ip("::", "ff02::1:ff00:7").ndp(135, "2001:db8::7").build(),
                        AddressClaim.NDP_DAD_TARGET, "2001:db8::7", 0x0200_0000_0001L, -1),
                new Case(FrameBuilder.arp(host, 1, "0.0.0.0", null, "10.1.0.9"), AddressClaim.ARP_PROBE, "10.1.0.9", 0x0200_0000_0001L, -1));
        DecodedPacket inChunk = new DecodedPacket();
        for (Case c : cases) {
            byte[] frame = c.frame();
            decode(LinkType.ETHERNET, frame);
            assertEquals(c.kind(), p.claimKind[0], c.kind().toString());
            long[] a = cn.egov.isolation.monitor.IpAddress.parse(c.address());
            assertEquals(a[1], p.claimLo[0], c.kind().toString());
            assertEquals(a[0], p.claimHi[0], c.kind().toString());
            assertEquals(c.mac(), p.claimMac[0], c.kind().toString());
            assertEquals(c.dhcpType(), p.dhcpMessageType, c.kind().toString());
            for (int cut = 0; cut <= frame.length; cut++) {
                byte[] chunk = new byte[cut + 64];
                java.util.Arrays.fill(chunk, (byte) 0x63); // the bytes of DHCP's magic cookie, to tempt an overread
                System.arraycopy(frame, 0, chunk, 7, cut);
                decoder.decode(0, LinkType.ETHERNET, 0L, java.util.Arrays.copyOf(frame, cut), 0, cut, frame.length, p);
                decoder.decode(0, LinkType.ETHERNET, 0L, chunk, 7, cut, frame.length, inChunk);
                assertEquals(p.claims, inChunk.claims, c.kind() + " cut at " + cut);
                assertEquals(p.dhcpMessageType, inChunk.dhcpMessageType, c.kind() + " cut at " + cut);
                for (int i = 0; i < p.claims; i++) {
                    assertEquals(p.claimKind[i], inChunk.claimKind[i], c.kind() + " cut at " + cut);
                    assertEquals(p.claimLo[i], inChunk.claimLo[i], c.kind() + " cut at " + cut);
                }
            }
        }
        // DHCP cut at 128 bytes (the live snap length): the fixed fields, not the options
        byte[] offer = cases.get(1).frame();
        decoder.decode(0, LinkType.ETHERNET, 0L, offer, 0, 128, offer.length, p);
        assertEquals(2, p.claims);
        assertEquals(AddressClaim.DHCP_YIADDR, p.claimKind[1]);
        assertEquals(0x0200_0000_000cL, p.claimMac[1]);
        assertEquals(-1, p.dhcpMessageType);
    }

    /**
     * Every cut of every kind of frame decodes without an exception, and gives the same result
     * whether the frame fills its array (live capture) or sits in the middle of a larger chunk
     * followed by other bytes (a capture file): the decoder never reads past the frame's end.
     */
    @Test
    void everyCutDecodesAndNeverReadsPastTheFrame() {
        java.util.List<byte[]> frames = java.util.List.of(
                FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").vlan(FrameDecoder.ETHERTYPE_QINQ, 100)
                        .vlan(FrameDecoder.ETHERTYPE_VLAN, 20).ip("10.1.0.5", "198.51.100.7").tcp(40000, 443, DecodedPacket.TCP_SYN, 0).build(),
                FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ip("2001:db8::1", "2001:db8::2")
                        .withExtensionHeader().udp(5353, 53, 0).build(),
                FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ip("2001:db8::1", "2001:db8::2").icmp(128, 0).build());
        DecodedPacket inChunk = new DecodedPacket();
        for (byte[] frame : frames) {
            for (int cut = 0; cut <= frame.length; cut++) {
                byte[] exact = java.util.Arrays.copyOf(frame, cut);
                byte[] chunk = new byte[cut + 64];
                java.util.Arrays.fill(chunk, (byte) 0x5A);
                System.arraycopy(frame, 0, chunk, 7, cut);
                DecodedPacket.Kind alone = decoder.decode(0, LinkType.ETHERNET, 0L, exact, 0, cut, frame.length, p);
                DecodedPacket.Kind embedded = decoder.decode(0, LinkType.ETHERNET, 0L, chunk, 7, cut, frame.length, inChunk);
                assertEquals(alone, embedded, "cut at " + cut + " of " + frame.length);
                assertEquals(p.dstPort, inChunk.dstPort, "cut at " + cut);
                assertEquals(p.dstLo, inChunk.dstLo, "cut at " + cut);
                assertEquals(p.icmpType, inChunk.icmpType, "cut at " + cut);
                assertEquals(cut == frame.length ? DecodedPacket.Kind.IP : alone, alone, "cut at " + cut);
            }
        }
    }
}
