package cn.egov.isolation.capture;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * Builds well-formed frames for fixtures, benchmarks and the lab's traffic sender: Ethernet with
 * optional 802.1Q/QinQ tags, IPv4 or IPv6 (optionally with a destination-options extension
 * header), then TCP, UDP or ICMP with a zero-filled payload. Checksums are left zero: nothing here
 * validates them, and the kernel is not the receiver.
 *
 * <pre>{@code
 * byte[] f = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:fe")
 *         .vlan(FrameDecoder.ETHERTYPE_QINQ, 100).vlan(FrameDecoder.ETHERTYPE_VLAN, 20)
 *         .ip("10.1.0.5", "198.51.100.7").udp(40000, 53, 32).build();
 * }</pre>
 */
public final class FrameBuilder {
    private final ByteArrayOutputStream link = new ByteArrayOutputStream();
    private byte[] src;
    private byte[] dst;
    private boolean ipv6ExtensionHeader;
    private int protocol;
    private byte[] transport = new byte[0];
    private int payload;
    private byte[] payloadBytes;
    private final boolean ethernet;

    private FrameBuilder(boolean ethernet) {
        this.ethernet = ethernet;
    }

    /** An Ethernet frame; MACs as {@code 02:00:00:00:00:01}. */
    public static FrameBuilder ethernet(String srcMac, String dstMac) {
        FrameBuilder f = new FrameBuilder(true);
        f.link.writeBytes(mac(dstMac));
        f.link.writeBytes(mac(srcMac));
        return f;
    }

    /** A raw IP packet (link type {@link LinkType#RAW}). */
    public static FrameBuilder rawIp() {
        return new FrameBuilder(false);
    }

    /** Adds a VLAN tag with the given tag protocol id (0x8100, 0x88A8, 0x9100). */
    public FrameBuilder vlan(int tpid, int vid) {
        link.write(tpid >>> 8);
        link.write(tpid);
        link.write(vid >>> 8 & 0x0F);
        link.write(vid);
        return this;
    }

    /** IPv4 or IPv6 addresses, by their literal form. */
    public FrameBuilder ip(String source, String destination) {
        src = literal(source);
        dst = literal(destination);
        if (src.length != dst.length) {
            throw new IllegalArgumentException("mixed address families: " + source + " -> " + destination);
        }
        return this;
    }

    /** Puts an IPv6 destination-options header before the transport header. */
    public FrameBuilder withExtensionHeader() {
        ipv6ExtensionHeader = true;
        return this;
    }

    public FrameBuilder udp(int sport, int dport, int payloadBytes) {
        protocol = DecodedPacket.PROTO_UDP;
        transport = ByteBuffer.allocate(8).putShort((short) sport).putShort((short) dport)
                .putShort((short) (8 + payloadBytes)).putShort((short) 0).array();
        payload = payloadBytes;
        return this;
    }

    /** A TCP segment with the given flags ({@link DecodedPacket#TCP_SYN}, {@link DecodedPacket#TCP_ACK}). */
    public FrameBuilder tcp(int sport, int dport, int flags, int payloadBytes) {
        protocol = DecodedPacket.PROTO_TCP;
        transport = ByteBuffer.allocate(20).putShort((short) sport).putShort((short) dport).putInt(1).putInt(0)
                .put((byte) 0x50).put((byte) flags).putShort((short) 64240).putInt(0).array();
        payload = payloadBytes;
        return this;
    }

    /** An ICMP (IPv4) or ICMPv6 message of the given type (8/128 echo request, 0/129 echo reply). */
    public FrameBuilder icmp(int type, int payloadBytes) {
        protocol = src != null && src.length == 16 ? DecodedPacket.PROTO_ICMPV6 : DecodedPacket.PROTO_ICMP;
        transport = ByteBuffer.allocate(8).put((byte) type).put((byte) 0).putShort((short) 0).putInt(0x00010001).array();
        payload = payloadBytes;
        return this;
    }

    /**
     * A neighbour discovery message: solicitation (135) or advertisement (136) for {@code target};
     * other types (133 router solicitation, 134 advertisement) carry no target, use {@link #icmp}.
     */
    public FrameBuilder ndp(int type, String target) {
        protocol = DecodedPacket.PROTO_ICMPV6;
        transport = ByteBuffer.allocate(24).put((byte) type).put((byte) 0).putShort((short) 0).putInt(0)
                .put(literal(target)).array();
        payload = 0;
        return this;
    }

    /** Puts these bytes after the transport header instead of a zero-filled payload (UDP length follows). */
    public FrameBuilder payload(byte[] bytes) {
        payloadBytes = bytes.clone();
        payload = bytes.length;
        if (protocol == DecodedPacket.PROTO_UDP) {
            ByteBuffer.wrap(transport).putShort(4, (short) (8 + payload));
        }
        return this;
    }

    /**
     * An Ethernet ARP frame (request: op 1 to broadcast; reply: op 2 to {@code targetMac}). A
     * gratuitous ARP has {@code senderIp} equal to {@code targetIp}; a probe has sender 0.0.0.0.
     */
    public static byte[] arp(String senderMac, int op, String senderIp, String targetMac, String targetIp) {
        String dst = op == 1 ? "ff:ff:ff:ff:ff:ff" : targetMac;
        return ByteBuffer.allocate(42).put(mac(dst)).put(mac(senderMac)).putShort((short) FrameDecoder.ETHERTYPE_ARP)
                .putShort((short) 1).putShort((short) FrameDecoder.ETHERTYPE_IPV4).put((byte) 6).put((byte) 4)
                .putShort((short) op).put(mac(senderMac)).put(literal(senderIp))
                .put(mac(op == 1 ? "00:00:00:00:00:00" : targetMac)).put(literal(targetIp)).array();
    }

    /**
     * A DHCP message (BOOTP with the magic cookie, option 53 and, when given, option 50), padded to
     * the 300 bytes clients send; put it in a UDP datagram with {@link #payload}.
     *
     * @param op          1 from a client (discover, request), 2 from a server (offer, ack)
     * @param messageType option 53: 1 discover, 2 offer, 3 request, 5 ack
     * @param requested   option 50, or null
     */
    public static byte[] dhcp(int op, int messageType, String chaddr, String ciaddr, String yiaddr, String requested) {
        ByteBuffer b = ByteBuffer.allocate(300);
        b.put((byte) op).put((byte) 1).put((byte) 6).put((byte) 0).putInt(0x3903F326).putShort((short) 0).putShort((short) 0)
                .put(literal(ciaddr)).put(literal(yiaddr)).put(new byte[8]).put(mac(chaddr)).put(new byte[10 + 64 + 128])
                .putInt(0x63825363).put((byte) 53).put((byte) 1).put((byte) messageType);
        if (requested != null) {
            b.put((byte) 50).put((byte) 4).put(literal(requested));
        }
        b.put((byte) 255);
        return b.array();
    }

    /** A bare IP protocol without ports (e.g. {@link DecodedPacket#PROTO_ESP}) and some payload. */
    public FrameBuilder protocol(int ipProtocol, int payloadBytes) {
        protocol = ipProtocol;
        transport = new byte[0];
        payload = payloadBytes;
        return this;
    }

    public byte[] build() {
        if (src == null) {
            throw new IllegalStateException("no addresses: call ip(...) first");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(link.toByteArray());
        int l4 = transport.length + payload;
        if (src.length == 4) {
            if (ethernet) {
                out.write(0x08);
                out.write(0x00);
            }
            ByteBuffer h = ByteBuffer.allocate(20).put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4))
                    .putShort((short) 0).putShort((short) 0x4000).put((byte) 64).put((byte) protocol).putShort((short) 0)
                    .put(src).put(dst);
            out.writeBytes(h.array());
        } else {
            if (ethernet) {
                out.write(0x86);
                out.write(0xDD);
            }
            int extension = ipv6ExtensionHeader ? 8 : 0;
            ByteBuffer h = ByteBuffer.allocate(40 + extension).putInt(0x60000000).putShort((short) (l4 + extension))
                    .put((byte) (ipv6ExtensionHeader ? 60 : protocol)).put((byte) 64).put(src).put(dst);
            if (ipv6ExtensionHeader) {
                h.put((byte) protocol).put((byte) 0).put((byte) 1).put((byte) 4).putInt(0); // PadN option
            }
            out.writeBytes(h.array());
        }
        out.writeBytes(transport);
        out.writeBytes(payloadBytes != null ? payloadBytes : new byte[payload]);
        return out.toByteArray();
    }

    private static byte[] literal(String address) {
        if (address.isEmpty() || !(Character.digit(address.charAt(0), 16) >= 0 || address.charAt(0) == ':')) {
            throw new IllegalArgumentException("not an IP literal: " + address);
        }
        try {
            return InetAddress.getByName(address).getAddress(); // a literal never resolves via DNS
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal: " + address, e);
        }
    }

    private static byte[] mac(String text) {
        String[] parts = text.split(":");
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a MAC address: " + text);
        }
        byte[] m = new byte[6];
        for (int i = 0; i < 6; i++) {
            m[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return m;
    }
}
