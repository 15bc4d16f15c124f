package cn.egov.isolation.capture;

/**
 * Decodes link layer, VLAN stacks, IP and transport ports by hand into a reused
 * {@link DecodedPacket}. Handles Ethernet with any stack of 802.1Q (0x8100) and 802.1ad/QinQ
 * (0x88A8, 0x9100, 0x9200) tags, Linux cooked headers v1/v2, raw IP and BSD loopback; IPv4
 * (no ports in non-first fragments), IPv6 with hop-by-hop, routing, destination-options,
 * fragment and AH extension headers; TCP, UDP and SCTP ports, ICMP and ICMPv6 types; and the
 * addresses hosts claim in ARP, DHCP and neighbour discovery ({@link AddressClaim}).
 * Pcap4J 1.8.2 does not decode QinQ, hence this decoder for live frames too.
 *
 * <p>Frames are plain byte arrays read with shifts: no call per field, so the decoder is fast
 * even before the JIT compiler has compiled it (a one-shot audit spends a good part of its run
 * there).
 */
public final class FrameDecoder {

    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int ETHERTYPE_IPV6 = 0x86DD;
    public static final int ETHERTYPE_VLAN = 0x8100;
    public static final int ETHERTYPE_QINQ = 0x88A8;
    public static final int ETHERTYPE_QINQ_OLD = 0x9100;
    public static final int ETHERTYPE_QINQ_OLD2 = 0x9200;

    private static final int ETHERNET_HEADER = 14;
    private static final int VLAN_TAG = 4;
    private static final int SLL_HEADER = 16;
    private static final int SLL2_HEADER = 20;
    private static final int NULL_HEADER = 4;
    private static final int ARP_IPV4_LENGTH = 28;
    private static final int ARP_SENDER_MAC = 8;
    private static final int ARP_SENDER_IP = 14;
    private static final int ARP_TARGET_IP = 24;
    private static final int UDP_HEADER = 8;
    private static final int DHCP_SERVER_PORT = 67;
    private static final int DHCP_CLIENT_PORT = 68;
    private static final int BOOTP_REQUEST = 1;
    private static final int BOOTP_REPLY = 2;
    private static final int BOOTP_CIADDR = 12;
    private static final int BOOTP_YIADDR = 16;
    private static final int BOOTP_CHADDR = 28;
    /** Options start after the 236-byte fixed part and the 4-byte magic cookie. */
    private static final int BOOTP_OPTIONS = 240;
    private static final long DHCP_MAGIC_COOKIE = 0x6382_5363L;
    private static final int DHCP_OPTION_PAD = 0;
    private static final int DHCP_OPTION_REQUESTED_ADDRESS = 50;
    private static final int DHCP_OPTION_MESSAGE_TYPE = 53;
    private static final int DHCP_OPTION_END = 255;
    /** Router solicitation (133) to redirect (137). */
    private static final int NDP_FIRST_TYPE = 133;
    private static final int NDP_LAST_TYPE = 137;
    private static final int NDP_NEIGHBOUR_SOLICITATION = 135;
    private static final int NDP_NEIGHBOUR_ADVERTISEMENT = 136;
    /** The target address follows type, code, checksum and 4 bytes of flags. */
    private static final int NDP_TARGET = 8;
    private static final int IPV4_MIN_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    /** An attacker can chain extension headers; real stacks use a handful. */
    private static final int MAX_EXTENSION_HEADERS = 8;
    private static final int MAX_VLAN_TAGS = 4;
    private static final long IPV4_MAPPED_HI = 0L;
    private static final long IPV4_MAPPED_LO = 0x0000_FFFF_0000_0000L;
    private static final long MAC_MASK = 0xFFFF_FFFF_FFFFL;

    /**
     * Decodes one frame into {@code out} (all of whose fields are overwritten) and returns
     * {@code out.kind}.
     *
     * @param b the captured frame occupies {@code [offset, offset + length)}
     */
    public DecodedPacket.Kind decode(int interfaceIndex, int linkType, long timeNanos, byte[] b, int offset,
                                     int length, int wireLength, DecodedPacket out) {
        out.reset(interfaceIndex, timeNanos, wireLength);
        int end = offset + length;
        switch (linkType) {
            case LinkType.ETHERNET -> {
                if (length < ETHERNET_HEADER) {
                    return out.kind = DecodedPacket.Kind.TRUNCATED;
                }
                out.dstMac = mac(b, offset);
                out.srcMac = mac(b, offset + 6);
                return etherPayload(b, offset + 12, end, out);
            }
            case LinkType.LINUX_SLL -> {
                if (length < SLL_HEADER) {
                    return out.kind = DecodedPacket.Kind.TRUNCATED;
                }
                if (u16(b, offset + 4) == 6) {
                    out.srcMac = mac(b, offset + 6);
                }
                return etherPayload(b, offset + 14, end, out);
            }
            case LinkType.LINUX_SLL2 -> {
                if (length < SLL2_HEADER) {
                    return out.kind = DecodedPacket.Kind.TRUNCATED;
                }
                if ((b[offset + 11] & 0xFF) == 6) {
                    out.srcMac = mac(b, offset + 12);
                }
                int type = u16(b, offset);
                return network(type, b, offset + SLL2_HEADER, end, out);
            }
            case LinkType.RAW, LinkType.IPV4, LinkType.IPV6 -> {
                return byVersion(b, offset, end, out);
            }
            case LinkType.NULL, LinkType.LOOP -> {
                if (length < NULL_HEADER) {
                    return out.kind = DecodedPacket.Kind.TRUNCATED;
                }
                return byVersion(b, offset + NULL_HEADER, end, out);
            }
            default -> {
                return out.kind = DecodedPacket.Kind.UNSUPPORTED_LINK;
            }
        }
    }

    /** Reads the EtherType at {@code typeAt}, walks VLAN tags, then the network layer. */
    private DecodedPacket.Kind etherPayload(byte[] b, int typeAt, int end, DecodedPacket out) {
        int p = typeAt;
        int type = u16(b, p);
        p += 2;
        int tags = 0;
        while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD || type == ETHERTYPE_QINQ_OLD2) {
            if (p + VLAN_TAG > end) {
                return out.kind = DecodedPacket.Kind.TRUNCATED;
            }
            if (++tags > MAX_VLAN_TAGS) {
                return out.kind = DecodedPacket.Kind.MALFORMED;
            }
            int vid = u16(b, p) & 0x0FFF;
            if (out.outerVlan < 0) {
                out.outerVlan = vid;
            } else {
                out.innerVlan = vid;
            }
            type = u16(b, p + 2);
            p += VLAN_TAG;
        }
        return network(type, b, p, end, out);
    }

    private DecodedPacket.Kind network(int etherType, byte[] b, int p, int end, DecodedPacket out) {
        out.etherType = etherType;
        if (etherType == ETHERTYPE_IPV4) {
            return ipv4(b, p, end, out);
        }
        if (etherType == ETHERTYPE_IPV6) {
            return ipv6(b, p, end, out);
        }
        if (etherType == ETHERTYPE_ARP && p + ARP_IPV4_LENGTH <= end && u16(b, p + 2) == ETHERTYPE_IPV4) {
            out.srcHi = IPV4_MAPPED_HI;
            out.srcLo = IPV4_MAPPED_LO | u32(b, p + ARP_SENDER_IP);
            out.arpSender = true;
            arpClaims(b, p, out);
        }
        return out.kind = DecodedPacket.Kind.OTHER;
    }

    private DecodedPacket.Kind byVersion(byte[] b, int p, int end, DecodedPacket out) {
        if (p >= end) {
            return out.kind = DecodedPacket.Kind.TRUNCATED;
        }
        int version = (b[p] & 0xF0) >>> 4;
        if (version == 4) {
            out.etherType = ETHERTYPE_IPV4;
            return ipv4(b, p, end, out);
        }
        if (version == 6) {
            out.etherType = ETHERTYPE_IPV6;
            return ipv6(b, p, end, out);
        }
        return out.kind = DecodedPacket.Kind.MALFORMED;
    }

    private DecodedPacket.Kind ipv4(byte[] b, int p, int end, DecodedPacket out) {
        if (p + IPV4_MIN_HEADER > end) {
            return out.kind = DecodedPacket.Kind.TRUNCATED;
        }
        int first = b[p] & 0xFF;
        int headerLength = (first & 0x0F) * 4;
        int totalLength = u16(b, p + 2);
        if (first >>> 4 != 4 || headerLength < IPV4_MIN_HEADER || totalLength < headerLength) {
            return out.kind = DecodedPacket.Kind.MALFORMED;
        }
        if (p + headerLength > end) {
            return out.kind = DecodedPacket.Kind.TRUNCATED;
        }
        out.ipVersion = 4;
        out.protocol = b[p + 9] & 0xFF;
        out.srcHi = IPV4_MAPPED_HI;
        out.srcLo = IPV4_MAPPED_LO | u32(b, p + 12);
        out.dstHi = IPV4_MAPPED_HI;
        out.dstLo = IPV4_MAPPED_LO | u32(b, p + 16);
        boolean laterFragment = (u16(b, p + 6) & 0x1FFF) != 0;
        if (laterFragment) {
            return out.kind = DecodedPacket.Kind.IP;
        }
        return transport(b, p + headerLength, end, out);
    }

    private DecodedPacket.Kind ipv6(byte[] b, int p, int end, DecodedPacket out) {
        if (p + IPV6_HEADER > end) {
            return out.kind = DecodedPacket.Kind.TRUNCATED;
        }
        if ((b[p] & 0xF0) >>> 4 != 6) {
            return out.kind = DecodedPacket.Kind.MALFORMED;
        }
        out.ipVersion = 6;
        out.srcHi = i64(b, p + 8);
        out.srcLo = i64(b, p + 16);
        out.dstHi = i64(b, p + 24);
        out.dstLo = i64(b, p + 32);
        int next = b[p + 6] & 0xFF;
        int q = p + IPV6_HEADER;
        for (int i = 0; ; i++) {
            switch (next) {
                case 0, 43, 60 -> { // hop-by-hop, routing, destination options
                    if (q + 2 > end) {
                        return out.kind = DecodedPacket.Kind.TRUNCATED;
                    }
                    int nextHeader = b[q] & 0xFF;
                    q += ((b[q + 1] & 0xFF) + 1) * 8;
                    next = nextHeader;
                }
                case 44 -> { // fragment: ports only in the first fragment
                    if (q + 8 > end) {
                        return out.kind = DecodedPacket.Kind.TRUNCATED;
                    }
                    int nextHeader = b[q] & 0xFF;
                    boolean laterFragment = (u16(b, q + 2) & 0xFFF8) != 0;
                    q += 8;
                    next = nextHeader;
                    if (laterFragment) {
                        out.protocol = next;
                        return out.kind = DecodedPacket.Kind.IP;
                    }
                }
                case 51 -> { // authentication header: length in 4-byte units, minus 2
                    if (q + 2 > end) {
                        return out.kind = DecodedPacket.Kind.TRUNCATED;
                    }
                    int nextHeader = b[q] & 0xFF;
                    q += ((b[q + 1] & 0xFF) + 2) * 4;
                    next = nextHeader;
                }
                default -> {
                    out.protocol = next;
                    return transport(b, q, end, out);
                }
            }
            if (i >= MAX_EXTENSION_HEADERS) {
                return out.kind = DecodedPacket.Kind.MALFORMED;
            }
        }
    }

    private DecodedPacket.Kind transport(byte[] b, int p, int end, DecodedPacket out) {
        switch (out.protocol) {
            case DecodedPacket.PROTO_TCP -> {
                if (p + 14 > end) {
                    return out.kind = DecodedPacket.Kind.TRUNCATED;
                }
                out.srcPort = u16(b, p);
                out.dstPort = u16(b, p + 2);
                out.tcpFlags = b[p + 13] & 0xFF;
            }
            case DecodedPacket.PROTO_UDP, DecodedPacket.PROTO_SCTP -> {
                if (p + 4 > end) {
                    return out.kind = DecodedPacket.Kind.TRUNCATED;
                }
                out.srcPort = u16(b, p);
                out.dstPort = u16(b, p + 2);
                if (out.ipVersion == 4 && isDhcpPort(out.srcPort) && isDhcpPort(out.dstPort)) {
                    dhcpClaims(b, p + UDP_HEADER, end, out);
                }
            }
            case DecodedPacket.PROTO_ICMP, DecodedPacket.PROTO_ICMPV6 -> {
                if (p + 1 > end) {
                    return out.kind = DecodedPacket.Kind.TRUNCATED;
                }
                out.icmpType = b[p] & 0xFF;
                if (out.protocol == DecodedPacket.PROTO_ICMPV6 && out.icmpType >= NDP_FIRST_TYPE && out.icmpType <= NDP_LAST_TYPE) {
                    ndpClaims(b, p, end, out);
                }
            }
            default -> { /* no ports */ }
        }
        return out.kind = DecodedPacket.Kind.IP;
    }

    /**
     * ARP (Ethernet/IPv4 only): the sender protocol address with the sender hardware address;
     * a probe (sender 0.0.0.0) wants its target.
     */
    private static void arpClaims(byte[] b, int p, DecodedPacket out) {
        if ((b[p + 4] & 0xFF) != 6 || (b[p + 5] & 0xFF) != 4) {
            return;
        }
        long senderMac = mac(b, p + ARP_SENDER_MAC);
        long sender = u32(b, p + ARP_SENDER_IP);
        long target = u32(b, p + ARP_TARGET_IP);
        if (sender != 0) {
            out.claim(sender == target ? AddressClaim.ARP_GRATUITOUS : AddressClaim.ARP_SENDER, IPV4_MAPPED_HI,
                    IPV4_MAPPED_LO | sender, senderMac);
        } else if (target != 0) {
            out.claim(AddressClaim.ARP_PROBE, IPV4_MAPPED_HI, IPV4_MAPPED_LO | target, senderMac);
        }
    }

    private static boolean isDhcpPort(int port) {
        return port == DHCP_SERVER_PORT || port == DHCP_CLIENT_PORT;
    }

    /**
     * DHCP (BOOTP with an Ethernet chaddr). A client message claims ciaddr and option 50 for
     * chaddr; a server message claims yiaddr for chaddr and its own IP source. Options are read
     * only as far as they were captured (a snap length of 128 keeps the fixed fields, not them).
     */
    private static void dhcpClaims(byte[] b, int q, int end, DecodedPacket out) {
        if (q + BOOTP_CHADDR + 6 > end || (b[q + 1] & 0xFF) != 1 || (b[q + 2] & 0xFF) != 6) {
            return;
        }
        int op = b[q] & 0xFF;
        long chaddr = mac(b, q + BOOTP_CHADDR);
        long requested = 0;
        if (q + BOOTP_OPTIONS <= end && u32(b, q + BOOTP_OPTIONS - 4) == DHCP_MAGIC_COOKIE) {
            int i = q + BOOTP_OPTIONS;
            while (i < end) {
                int code = b[i] & 0xFF;
                if (code == DHCP_OPTION_PAD) {
                    i++;
                    continue;
                }
                if (code == DHCP_OPTION_END || i + 2 > end) {
                    break;
                }
                int length = b[i + 1] & 0xFF;
                int v = i + 2;
                if (v + length > end) {
                    break;
                }
                if (code == DHCP_OPTION_MESSAGE_TYPE && length == 1) {
                    out.dhcpMessageType = b[v] & 0xFF;
                } else if (code == DHCP_OPTION_REQUESTED_ADDRESS && length == 4) {
                    requested = u32(b, v);
                }
                i = v + length;
            }
        }
        if (op == BOOTP_REQUEST) {
            long ciaddr = u32(b, q + BOOTP_CIADDR);
            if (ciaddr != 0) {
                out.claim(AddressClaim.DHCP_CIADDR, IPV4_MAPPED_HI, IPV4_MAPPED_LO | ciaddr, chaddr);
            }
            if (requested != 0 && requested != ciaddr) {
                out.claim(AddressClaim.DHCP_REQUESTED, IPV4_MAPPED_HI, IPV4_MAPPED_LO | requested, chaddr);
            }
        } else if (op == BOOTP_REPLY) {
            if (out.srcLo != IPV4_MAPPED_LO) {
                out.claim(AddressClaim.DHCP_SERVER, out.srcHi, out.srcLo, out.srcMac);
                out.sourceClaimed = true;
            }
            long yiaddr = u32(b, q + BOOTP_YIADDR);
            if (yiaddr != 0) {
                out.claim(AddressClaim.DHCP_YIADDR, IPV4_MAPPED_HI, IPV4_MAPPED_LO | yiaddr, chaddr);
            }
        }
    }

    /**
     * Neighbour discovery: its source (unless ::) is the sender's own address; a neighbour
     * advertisement's target is the advertised address, and a solicitation from :: (duplicate
     * address detection) wants its target.
     */
    private static void ndpClaims(byte[] b, int p, int end, DecodedPacket out) {
        boolean unspecified = out.srcHi == 0 && out.srcLo == 0;
        if (!unspecified) {
            out.claim(AddressClaim.NDP_SOURCE, out.srcHi, out.srcLo, out.srcMac);
            out.sourceClaimed = true;
        }
        int type = out.icmpType;
        if ((type == NDP_NEIGHBOUR_SOLICITATION || type == NDP_NEIGHBOUR_ADVERTISEMENT) && p + NDP_TARGET + 16 <= end) {
            long hi = i64(b, p + NDP_TARGET);
            long lo = i64(b, p + NDP_TARGET + 8);
            if (type == NDP_NEIGHBOUR_ADVERTISEMENT && (hi != out.srcHi || lo != out.srcLo)) {
                out.claim(AddressClaim.NDP_NA_TARGET, hi, lo, out.srcMac);
            } else if (type == NDP_NEIGHBOUR_SOLICITATION && unspecified) {
                out.claim(AddressClaim.NDP_DAD_TARGET, hi, lo, out.srcMac);
            }
        }
    }

    private static long mac(byte[] b, int p) {
        return ((long) u16(b, p) << 32 | u32(b, p + 2)) & MAC_MASK;
    }

    private static int u16(byte[] b, int p) {
        return (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF);
    }

    /**
     * Built from two {@link #u16} calls to stay under C1's inlining limit (35 bytes of bytecode): written out in
     * shifts it was a call per field in the C1-compiled code an audit of a million packets runs in.
     */
    private static long u32(byte[] b, int p) {
        return (u16(b, p) << 16 | u16(b, p + 2)) & 0xFFFF_FFFFL;
    }

    private static long i64(byte[] b, int p) {
        return u32(b, p) << 32 | u32(b, p + 4);
    }
}
