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
