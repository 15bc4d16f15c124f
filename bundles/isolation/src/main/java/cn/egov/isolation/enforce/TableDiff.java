package cn.egov.isolation.enforce;

import cn.egov.isolation.enforce.CanonicalTable.Chain;
import cn.egov.isolation.enforce.CanonicalTable.NamedSet;
import cn.egov.isolation.enforce.CanonicalTable.Rule;
import cn.egov.rules.nft.NftChain;
import cn.egov.rules.nft.NftRule;
import cn.egov.rules.nft.NftRuleset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongFunction;

/**
 * Compares the live table with what the policy compiles to, both in {@link CanonicalTable} form,
 * exactly: the table's properties, every chain's type, hook, priority and policy, every rule's
 * expression and comment in order, every set's declaration and static elements, and any other
 * object. Each difference is one line that names what changed, e.g.
 * <pre>
 *   chain forward: policy changed from "drop" to "accept"
 *   chain fwd_from_external rule 1 ("10-zones.policy:18 zone internet-access") changed: policy has
 *       'oifname @if_internet_access jump fwd_external__internet_access', live has 'jump fwd_external__internet_access'
 *   chain forward: rule added at position 1: 'accept' (no comment)
 *   set net_backbone_v4: 1 element(s) missing: 10.200.0.0/16; 1 element(s) added: 10.201.0.0/16
 * </pre>
 * A policy's rule is shown as the compiler wrote it; a live rule as {@code nft -a list} prints it
 * (fetched only when a rule differs).
 */
final class TableDiff {

    /** Elements listed one by one per set and direction; beyond it only the count. */
    static final int ELEMENTS_LISTED = 20;
    /** Difference lines kept; beyond it one line says how many more there were. */
    static final int MAX_LINES = 50;

    private final NftRuleset compiled;
    private final LongFunction<String> liveRuleText;
    private final List<String> out = new ArrayList<>();

    private TableDiff(NftRuleset compiled, LongFunction<String> liveRuleText) {
        this.compiled = compiled;
        this.liveRuleText = liveRuleText;
    }

    /**
     * The differences of {@code live} (null: the table does not exist) from {@code expected}.
     *
     * @param compiled     the ruleset {@code expected} was loaded from: the policy's text of each rule
     * @param liveRuleText a live rule's text by its handle (null when unknown)
     */
    static Drift compare(CanonicalTable expected, CanonicalTable live, NftRuleset compiled, LongFunction<String> liveRuleText) {
        if (live == null) {
            return new Drift(List.of("table inet egov is missing"));
        }
        TableDiff d = new TableDiff(compiled, liveRuleText);
        if (!Objects.equals(expected.policyInfo("sha256"), live.policyInfo("sha256"))) {
            d.out.add("table inet egov holds policy " + live.policyIdentity() + ", not " + expected.policyIdentity());
        }
        d.fields("table inet egov", expected.table(), live.table());
        d.chains(expected, live);
        d.sets(expected, live);
        for (String k : union(expected.objects().keySet(), live.objects().keySet())) {
            String want = expected.objects().get(k);
            String have = live.objects().get(k);
            if (want == null) {
                d.out.add(k + " added: " + have);
            } else if (have == null) {
                d.out.add(k + " removed");
            } else if (!want.equals(have)) {
                d.out.add(k + " changed from " + want + " to " + have);
            }
        }
        List<String> lines = d.out;
        if (lines.size() > MAX_LINES) {
            List<String> cut = new ArrayList<>(lines.subList(0, MAX_LINES));
            cut.add("... and " + (lines.size() - MAX_LINES) + " more difference(s)");
            lines = cut;
        }
        return new Drift(lines);
    }

    private void chains(CanonicalTable expected, CanonicalTable live) {
        for (String name : union(expected.chains().keySet(), live.chains().keySet())) {
            Chain want = expected.chains().get(name);
            Chain have = live.chains().get(name);
            if (want == null) {
                out.add("chain " + name + " added (" + have.rules().size() + " rule(s))");
            } else if (have == null) {
                out.add("chain " + name + " removed");
            } else {
                fields("chain " + name, want.declaration(), have.declaration());
                rules(name, want, have);
            }
        }
    }

    /** A declaration's fields: "chain forward: policy changed from "drop" to "accept"". */
    private void fields(String what, Map<String, String> want, Map<String, String> have) {
        for (String f : union(want.keySet(), have.keySet())) {
            String a = want.get(f);
            String b = have.get(f);
            if (a == null) {
                out.add(what + ": " + word(f) + " " + b + " added");
            } else if (b == null) {
                out.add(what + ": " + word(f) + " " + a + " removed");
            } else if (!a.equals(b)) {
                out.add(what + ": " + word(f) + " changed from " + a + " to " + b);
            }
        }
    }

    private static String word(String field) {
        return "prio".equals(field) ? "priority" : field;
    }

    /**
     * Rules by their identity-free form, aligned by a longest common subsequence, so that one
     * inserted rule is one line; a rule removed and another added at the same place is "changed".
     */
    private void rules(String chain, Chain want, Chain have) {
        List<String> a = want.ruleKeys();
        List<String> b = have.ruleKeys();
        if (a.equals(b)) {
            return;
        }
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<Integer> removed = new ArrayList<>();
        List<Integer> added = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                flush(chain, want, have, removed, added);
                i++;
                j++;
            } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
                added.add(j++);
            } else {
                removed.add(i++);
            }
        }
        flush(chain, want, have, removed, added);
    }

    /** One run of removed and added rules between two unchanged ones: pairs are changes. */
    private void flush(String chain, Chain want, Chain have, List<Integer> removed, List<Integer> added) {
        int pairs = Math.min(removed.size(), added.size());
        for (int k = 0; k < pairs; k++) {
            Rule was = want.rules().get(removed.get(k));
            Rule is = have.rules().get(added.get(k));
            int pos = added.get(k) + 1;
            if (Objects.equals(was.comment(), is.comment())) {
                out.add("chain " + chain + " rule " + pos + " (" + comment(was) + ") changed: policy has '"
                        + expectedText(chain, want, removed.get(k), was) + "', live has '" + liveText(is) + "'");
            } else {
                out.add("chain " + chain + " rule " + pos + " changed: policy has '" + expectedText(chain, want, removed.get(k), was) + "' ("
                        + comment(was) + "), live has '" + liveText(is) + "' (" + comment(is) + ")");
            }
        }
        for (int k = pairs; k < removed.size(); k++) {
            Rule was = want.rules().get(removed.get(k));
            out.add("chain " + chain + ": rule " + (removed.get(k) + 1) + " removed: '" + expectedText(chain, want, removed.get(k), was)
                    + "' (" + comment(was) + ")");
        }
        for (int k = pairs; k < added.size(); k++) {
            Rule is = have.rules().get(added.get(k));
            out.add("chain " + chain + ": rule added at position " + (added.get(k) + 1) + ": '" + liveText(is) + "' (" + comment(is) + ")");
        }
        removed.clear();
        added.clear();
    }

    private static String comment(Rule r) {
        return r.comment() == null ? "no comment" : "\"" + plain(r.comment()) + "\"";
    }

    /** Text someone wrote into the live table goes into alarms, logs and terminals: no control characters. */
    private static String plain(String s) {
        return s.replaceAll("\\p{Cntrl}", "?");
    }

    /** The rule as the compiler wrote it; the kernel's JSON when the compiled chain does not line up. */
    private String expectedText(String chain, Chain want, int index, Rule r) {
        if (compiled != null) {
            for (NftChain c : compiled.chains()) {
                if (c.name().equals(chain) && c.rules().size() == want.rules().size()) {
                    NftRule rule = c.rules().get(index);
                    return (String.join(" ", rule.matches()) + " " + rule.verdict()).strip();
                }
            }
        }
        return r.expr();
    }

    private String liveText(Rule r) {
        String text = liveRuleText == null ? null : liveRuleText.apply(r.handle());
        return text != null ? text : r.expr();
    }

    private void sets(CanonicalTable expected, CanonicalTable live) {
        for (String name : union(expected.sets().keySet(), live.sets().keySet())) {
            NamedSet want = expected.sets().get(name);
            NamedSet have = live.sets().get(name);
            if (want == null) {
                out.add("set " + name + " added (" + have.elements().size() + " element(s))");
            } else if (have == null) {
                out.add("set " + name + " removed");
            } else {
                fields("set " + name, want.declaration(), have.declaration());
                if (!want.dynamic() && !want.elements().equals(have.elements())) {
                    elements(name, want.elements(), have.elements());
                }
            }
        }
    }

    private void elements(String set, List<String> want, List<String> have) {
        Set<String> missing = new TreeSet<>(want);
        have.forEach(missing::remove);
        Set<String> extra = new TreeSet<>(have);
        want.forEach(extra::remove);
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) {
            parts.add(missing.size() + " element(s) missing: " + listed(missing));
        }
        if (!extra.isEmpty()) {
            parts.add(extra.size() + " element(s) added: " + listed(extra));
        }
        out.add("set " + set + ": " + String.join("; ", parts));
    }

    private static String listed(Set<String> elements) {
        List<String> shown = elements.stream().limit(ELEMENTS_LISTED).map(e -> plain(CanonicalTable.elementText(e))).toList();
        return String.join(", ", shown) + (elements.size() > ELEMENTS_LISTED ? " and " + (elements.size() - ELEMENTS_LISTED) + " more" : "");
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new LinkedHashSet<>(a);
        u.addAll(b);
        return u;
    }
}
