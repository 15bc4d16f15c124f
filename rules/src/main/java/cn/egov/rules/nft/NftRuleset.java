package cn.egov.rules.nft;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A compiled policy: the normalised nftables model of table {@code inet egov}, ready for
 * {@link NftRenderer}. It also says what the live table must look like (for verification) and
 * where denials are recorded (for alarms).
 *
 * @param policyName    the policy's name
 * @param version       the policy's version
 * @param sha256        the policy files' hash
 * @param sets          named sets, static and dynamic
 * @param chains        chains, base chains first
 * @param denyPoints    where traffic is recorded and dropped
 * @param notCompiled   policy elements left out and why (expired exceptions)
 */
public record NftRuleset(String policyName, String version, String sha256, List<NftSet> sets, List<NftChain> chains,
                         List<DenyPoint> denyPoints, List<String> notCompiled) {

    public NftRuleset {
        sets = List.copyOf(sets);
        chains = List.copyOf(chains);
        denyPoints = List.copyOf(denyPoints);
        notCompiled = List.copyOf(notCompiled);
    }

    /** The rule comments of each chain, in order: what verification expects to read back. */
    public Map<String, List<String>> commentsByChain() {
        return chains.stream().collect(Collectors.toMap(NftChain::name,
                c -> c.rules().stream().map(NftRule::comment).toList(), (a, b) -> a, java.util.LinkedHashMap::new));
    }

    public int ruleCount() {
        return chains.stream().mapToInt(c -> c.rules().size()).sum();
    }

    public int elementCount() {
        return sets.stream().mapToInt(s -> s.elements().size()).sum();
    }

    /** The ruleset text for {@code nft -f}: replaces only our table, in one transaction. */
    public String text() {
        return NftRenderer.render(this);
    }

    /** The same table as one {@code nft} command per line, to load in pieces ({@link NftRenderer#commands}). */
    public String commands() {
        return NftRenderer.commands(this);
    }
}
