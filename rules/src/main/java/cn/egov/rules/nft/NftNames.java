package cn.egov.rules.nft;

/**
 * Every generated name, from one pattern: {@code <role>_<policy name>[__<policy name>][_v4|_v6]},
 * with the policy name's hyphens turned into underscores. Policy names never hold {@code _} or
 * {@code --}, so generated names cannot collide.
 */
public final class NftNames {
    private NftNames() {
    }

    /** Our table: {@code table inet egov}. */
    public static final String FAMILY = "inet";
    public static final String TABLE = "egov";

    public static final String INPUT = "input";
    public static final String FORWARD = "forward";
    public static final String OUTPUT = "output";
    /** Never rules decided on the route the packet would take, before routing (see NftablesCompiler). */
    public static final String PREROUTING = "prerouting";
    /** Chain that holds the policy identity in its rules' comments; never jumped to. */
    public static final String POLICY_INFO = "policy_info";

    static String id(String policyName) {
        return policyName.replace('-', '_');
    }

    static String v(boolean v6) {
        return v6 ? "_v6" : "_v4";
    }

    public static String zoneInterfaces(String zone) {
        return "if_" + id(zone);
    }

    public static String zoneNet(String zone, boolean v6) {
        return "net_" + id(zone) + v(v6);
    }

    public static String tunnelInterfaces(String tunnel) {
        return "tun_" + id(tunnel);
    }

    public static String tunnelPeers(String tunnel, boolean v6) {
        return "peer_" + id(tunnel) + v(v6);
    }

    public static String service(String service) {
        return "svc_" + id(service);
    }

    public static String ruleSources(String rule, boolean v6) {
        return "src_" + id(rule) + v(v6);
    }

    public static String ruleDestinations(String rule, boolean v6) {
        return "dst_" + id(rule) + v(v6);
    }

    public static String inputFrom(String zone) {
        return "in_from_" + id(zone);
    }

    /** Chain of the flows from the box itself to {@code zone} (output hook). */
    public static String outputTo(String zone) {
        return "out_to_" + id(zone);
    }

    public static String forwardFrom(String zone) {
        return "fwd_from_" + id(zone);
    }

    public static String forwardPair(String from, String to) {
        return "fwd_" + id(from) + "__" + id(to);
    }

    /** Chain that records and drops for a never rule. */
    public static String denyChain(String never) {
        return "deny_" + id(never);
    }

    /** Dynamic set of denials recorded by {@link #denyChain}. */
    public static String denySet(String never, boolean v6) {
        return "deny_" + id(never) + v(v6);
    }

    /** Chain for a base chain's default deny ({@code drop_forward}); base chain names hold no hyphen. */
    public static String defaultDenyChain(String baseChain) {
        return "drop_" + baseChain;
    }

    public static String defaultDenySet(String baseChain, boolean v6) {
        return "drop_" + baseChain + v(v6);
    }
}
