package cn.egov.rules.nft;

import java.util.List;

/**
 * A chain: base chains have a hook ({@code input}, {@code forward}) and policy {@code drop};
 * regular chains are reached by {@code jump}/{@code goto}.
 */
public record NftChain(String name, String hook, List<NftRule> rules) {
    public NftChain {
        rules = List.copyOf(rules);
    }

    public boolean isBase() {
        return hook != null;
    }
}
