package cn.egov.isolation.capture;

/**
 * The fields of one frame that classification needs. Deliberately mutable and reused: the
 * decoder fills one instance per thread so that reading millions of frames allocates nothing.
 * Addresses are 128-bit: IPv4 is held as an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}).
 * A field that the frame does not carry is -1 (ports, ICMP type, VLAN ids, MACs).
 */
public final class DecodedPacket {
    /** Outcome of decoding. */
    public enum Kind {
        /** An IPv4 or IPv6 packet with addresses (and ports when the protocol has them). */
        IP,
        /** A frame without an IP packet (ARP, LLDP...): only link-layer fields are set. */
        OTHER,
        /** The frame ends before a header it announces: counted and skipped. */
        TRUNCATED,
        /** A header that cannot be right (bad IP version, length or header size): counted and skipped. */
        MALFORMED,
        /** A link type we do not decode. */
        UNSUPPORTED_LINK
    }

    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_ESP = 50;
    public static final int PROTO_ICMPV6 = 58;
    public static final int PROTO_SCTP = 132;
    public static final int TCP_SYN = 0x02;
    public static final int TCP_ACK = 0x10;

    public Kind kind;
    public int interfaceIndex;
    public long timeNanos;
    public long srcMac = -1;
    public long dstMac = -1;
    public int outerVlan = -1;
    public int innerVlan = -1;
    public int etherType;
    public int ipVersion;
    public long srcHi;
    public long srcLo;
    public long dstHi;
    public long dstLo;
    public int protocol;
    public int srcPort = -1;
    public int dstPort = -1;
    public int icmpType = -1;
    public int tcpFlags;
    public int wireLength;
    /** For ARP frames: the sender's IPv4 address is in {@link #srcHi}/{@link #srcLo}. */
    public boolean arpSender;
    /** At most this many {@link AddressClaim}s per frame (a DHCP reply: server and yiaddr; an NA: source and target). */
    public static final int MAX_CLAIMS = 3;
    /** How many of the claim arrays below are valid for this frame. */
    public int claims;
    /** Addresses the frame says a host on the link holds (ARP, DHCP, neighbour discovery), with that host's MAC. */
    public final AddressClaim[] claimKind = new AddressClaim[MAX_CLAIMS];
    public final long[] claimHi = new long[MAX_CLAIMS];
    public final long[] claimLo = new long[MAX_CLAIMS];
    public final long[] claimMac = new long[MAX_CLAIMS];
    /** The IP source is among the claims (NDP, DHCP server): it is the sender's own, never a forwarded packet's. */
    public boolean sourceClaimed;
    /** DHCP option 53 (1 discover ... 8 inform), or -1. */
    public int dhcpMessageType;

    void reset(int interfaceIndex, long timeNanos, int wireLength) {
        this.kind = Kind.OTHER;
        this.interfaceIndex = interfaceIndex;
        this.timeNanos = timeNanos;
        this.wireLength = wireLength;
        srcMac = -1;
        dstMac = -1;
        outerVlan = -1;
        innerVlan = -1;
        etherType = 0;
        ipVersion = 0;
        srcHi = srcLo = dstHi = dstLo = 0;
        protocol = 0;
        srcPort = -1;
        dstPort = -1;
        icmpType = -1;
        tcpFlags = 0;
        arpSender = false;
        claims = 0;
        sourceClaimed = false;
        dhcpMessageType = -1;
    }

    void claim(AddressClaim kind, long hi, long lo, long mac) {
        if (claims < MAX_CLAIMS) {
            claimKind[claims] = kind;
            claimHi[claims] = hi;
            claimLo[claims] = lo;
            claimMac[claims] = mac;
            claims++;
        }
    }

    /** Whether this is a TCP segment opening a connection (SYN without ACK). */
    public boolean tcpOpening() {
        return protocol == PROTO_TCP && (tcpFlags & TCP_SYN) != 0 && (tcpFlags & TCP_ACK) == 0;
    }
}
