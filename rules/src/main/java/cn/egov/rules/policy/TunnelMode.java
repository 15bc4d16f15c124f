package cn.egov.rules.policy;

/**
 * How the box can tell that a packet went through the backbone tunnel.
 * <ul>
 * <li>{@link #INTERFACE}: the tunnel is a network interface (strongSwan kernel-libipsec's TUN
 *     {@code ipsec0}, an XFRM or VTI interface): match by interface name.</li>
 * <li>{@link #KERNEL_IPSEC}: policy-based kernel IPsec on the underlay interface: outbound packets
 *     match {@code rt ipsec exists}, inbound {@code meta ipsec exists}.</li>
 * </ul>
 */
public enum TunnelMode {
    INTERFACE("interface"), KERNEL_IPSEC("kernel-ipsec");

    private final String word;

    TunnelMode(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    public static TunnelMode fromWord(String word) {
        for (TunnelMode m : values()) {
            if (m.word.equals(word)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown tunnel mode '" + word + "'");
    }
}
