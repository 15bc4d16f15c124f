package cn.egov.isolation.capture;

/**
 * How a frame shows that a host on the link holds (or is about to hold) an address, beyond the
 * plain IP source: the link-local protocols ARP, DHCP and neighbour discovery. These are never
 * forwarded by a router, so what they say is about a host on the captured segment itself.
 * {@link #text} is the evidence's "what was seen".
 */
public enum AddressClaim {
    /** ARP request or reply: the sender protocol address. */
    ARP_SENDER("ARP sender"),
    /** Gratuitous ARP: sender and target protocol address are the same. */
    ARP_GRATUITOUS("gratuitous ARP"),
    /** ARP probe (RFC 5227, sender 0.0.0.0): the target is the address the host wants. */
    ARP_PROBE("ARP probe target"),
    /** DHCP client message: ciaddr, the address the client has. */
    DHCP_CIADDR("DHCP client address (ciaddr)"),
    /** DHCP client message: option 50, the address the client asks for. */
    DHCP_REQUESTED("DHCP requested address (option 50)"),
    /** DHCP server message: yiaddr, the address given to the client (MAC: chaddr). */
    DHCP_YIADDR("DHCP offered address (yiaddr)"),
    /** DHCP server message: its IP source, the server itself. */
    DHCP_SERVER("DHCP server"),
    /** Neighbour discovery (RS, RA, NS, NA, redirect): the IP source. */
    NDP_SOURCE("neighbour discovery source"),
    /** Neighbour advertisement: the target, the address advertised. */
    NDP_NA_TARGET("neighbour advertisement target"),
    /** Duplicate address detection (NS from ::): the target is the address the host wants. */
    NDP_DAD_TARGET("duplicate address detection target");

    private final String text;

    AddressClaim(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}
