package cn.egov.rules.nft;

import java.util.List;

/**
 * A chain: base chains have a hook ({@code input}, {@code forward}) and a policy, {@code drop}
 * unless the chain only picks out what to deny ({@code prerouting}: {@code accept});
 * regular chains are reached by {@code jump}/{@code goto}.
 */
public record NftChain(String name, String hook, String policy, List<NftRule> rules) {
    public NftChain {
        rules = List.copyOf(rules);
        if ((hook == null) != (policy == null)) {
            throw new IllegalArgumentException("chain " + name + ": a base chain needs a policy, a regular chain has none");
        }
    }

    /** A regular chain ({@code hook} null) or a base chain with policy {@code drop}. */
    public NftChain(String name, String hook, List<NftRule> rules) {
        this(name, hook, hook == null ? null : "drop", rules);
    }

    public boolean isBase() {
        return hook != null;
    }
}
