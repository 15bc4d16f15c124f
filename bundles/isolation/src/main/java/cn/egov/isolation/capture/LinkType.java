package cn.egov.isolation.capture;

/** The libpcap LINKTYPE_* values the decoder understands (tcpdump.org/linktypes.html). */
public final class LinkType {
    /** BSD loopback: a 4-byte address family in host order, then an IP packet. */
    public static final int NULL = 0;
    /** Ethernet II, with any stack of 802.1Q / 802.1ad tags. */
    public static final int ETHERNET = 1;
    /** Raw IP, version from the first nibble. */
    public static final int RAW = 101;
    /** OpenBSD loopback; same layout as {@link #NULL} for our purposes. */
    public static final int LOOP = 108;
    /** Linux "any" device cooked header, version 1 (16 bytes). */
    public static final int LINUX_SLL = 113;
    public static final int IPV4 = 228;
    public static final int IPV6 = 229;
    /** Linux cooked header, version 2 (20 bytes); what {@code tcpdump -i any} writes today. */
    public static final int LINUX_SLL2 = 276;

    private LinkType() {
    }

    public static boolean supported(int linkType) {
        return switch (linkType) {
            case NULL, ETHERNET, RAW, LOOP, LINUX_SLL, IPV4, IPV6, LINUX_SLL2 -> true;
            default -> false;
        };
    }
}
