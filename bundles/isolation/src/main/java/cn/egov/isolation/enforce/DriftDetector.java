package cn.egov.isolation.enforce;

import cn.egov.isolation.enforce.LiveTable.LiveRule;
import cn.egov.rules.nft.NftRuleset;
import cn.egov.rules.nft.NftSet;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares the live table with what we compiled. Two levels:
 * <ol>
 * <li>against the compiled model: same chains, each chain's rule comments in the same order, same
 *     sets with the same number of elements (works after a restart, when only the policy is known);</li>
 * <li>against the snapshot read right after our own apply: every rule's expression and every
 *     static set's elements exactly as the kernel printed them (catches a rule edited in place).</li>
 * </ol>
 */
final class DriftDetector {

    private DriftDetector() {
    }

    static Drift compare(NftRuleset compiled, LiveTable snapshot, LiveTable live) {
        List<String> diffs = new ArrayList<>();
        if (live == null) {
            return new Drift(List.of("table inet egov is missing"));
        }
        Map<String, List<String>> expected = compiled.commentsByChain();
        for (String chain : union(expected.keySet(), live.chains().keySet())) {
            List<String> want = expected.get(chain);
            List<LiveRule> have = live.chains().get(chain);
            if (want == null) {
                diffs.add("chain " + chain + " added");
                continue;
            }
            if (have == null) {
                diffs.add("chain " + chain + " removed");
                continue;
            }
            diffs.addAll(ruleDiff(chain, want, have.stream().map(LiveRule::comment).toList(), have));
        }
        for (NftSet s : compiled.sets()) {
            List<String> have = live.sets().get(s.name());
            if (have == null) {
                diffs.add("set " + s.name() + " removed");
            } else if (!s.dynamic() && have.size() != s.elements().size()) {
                diffs.add("set " + s.name() + ": " + have.size() + " elements, policy has " + s.elements().size());
            }
        }
        for (String name : live.sets().keySet()) {
            if (compiled.sets().stream().noneMatch(s -> s.name().equals(name))) {
                diffs.add("set " + name + " added");
            }
        }
        if (diffs.isEmpty() && snapshot != null) {
            for (Map.Entry<String, List<LiveRule>> e : snapshot.chains().entrySet()) {
                List<LiveRule> have = live.chains().get(e.getKey());
                for (int i = 0; i < e.getValue().size(); i++) {
                    if (!e.getValue().get(i).equals(have.get(i))) {
                        diffs.add("chain " + e.getKey() + ": rule " + e.getValue().get(i) + " changed");
                    }
                }
            }
            for (Map.Entry<String, List<String>> e : snapshot.sets().entrySet()) {
                if (!e.getValue().equals(live.sets().get(e.getKey()))) {
                    diffs.add("set " + e.getKey() + ": elements changed");
                }
            }
        }
        return new Drift(diffs);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new LinkedHashSet<>(a);
        u.addAll(b);
        return u;
    }

    /** Rules added or removed, by comment sequence (a minimal diff is not needed: one line per change). */
    private static List<String> ruleDiff(String chain, List<String> want, List<String> have, List<LiveRule> rules) {
        List<String> out = new ArrayList<>();
        if (want.equals(have)) {
            return out;
        }
        // longest common subsequence, so that one inserted rule is reported once
        int[][] lcs = new int[want.size() + 1][have.size() + 1];
        for (int i = want.size() - 1; i >= 0; i--) {
            for (int j = have.size() - 1; j >= 0; j--) {
                lcs[i][j] = java.util.Objects.equals(want.get(i), have.get(j)) ? lcs[i + 1][j + 1] + 1
                        : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < want.size() || j < have.size()) {
            if (i < want.size() && j < have.size() && java.util.Objects.equals(want.get(i), have.get(j))) {
                i++;
                j++;
            } else if (j < have.size() && (i == want.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
                out.add("chain " + chain + ": rule added at position " + (j + 1) + ": " + rules.get(j));
                j++;
            } else {
                out.add("chain " + chain + ": rule removed: \"" + want.get(i) + "\"");
                i++;
            }
        }
        return out;
    }
}
