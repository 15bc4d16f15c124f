package cn.egov.rules.policy;

/** The protocol of a {@link Service}, as written in a policy ({@code tcp}, {@code icmpv6}, ...). */
public enum Protocol {
    TCP("tcp", true), UDP("udp", true), SCTP("sctp", true), ICMP("icmp", false), ICMPV6("icmpv6", false),
    ESP("esp", false), ANY("any", false);

    private final String word;
    private final boolean hasPorts;

    Protocol(String word, boolean hasPorts) {
        this.word = word;
        this.hasPorts = hasPorts;
    }

    /** The word used in policy files and in nftables ({@code meta l4proto <word>}). */
    public String word() {
        return word;
    }

    /** True for protocols whose traffic has ports ({@code tcp}, {@code udp}, {@code sctp}). */
    public boolean hasPorts() {
        return hasPorts;
    }

    public static Protocol fromWord(String word) {
        for (Protocol p : values()) {
            if (p.word.equals(word)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown protocol '" + word + "'");
    }
}
