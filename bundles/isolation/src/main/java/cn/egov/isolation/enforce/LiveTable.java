package cn.egov.isolation.enforce;

import cn.egov.api.json.JsonValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Our table as the kernel holds it, read from {@code nft -j list table inet egov}: each chain's
 * rules (comment and canonical expression, handles left out) and each set's elements. Dynamic
 * (denial) sets are listed but their elements are data, not policy.
 *
 * @param chains chain name → rules in order
 * @param sets   set name → canonical elements (empty for dynamic sets)
 */
record LiveTable(Map<String, List<LiveRule>> chains, Map<String, List<String>> sets) {

    /** One rule as the kernel prints it. */
    record LiveRule(String comment, String expr) {
        @Override
        public String toString() {
            return comment == null ? "(no comment) " + expr : "\"" + comment + "\"";
        }
    }

    LiveTable {
        Map<String, List<LiveRule>> c = new LinkedHashMap<>();
        chains.forEach((k, v) -> c.put(k, List.copyOf(v)));
        chains = java.util.Collections.unmodifiableMap(c);
        Map<String, List<String>> s = new LinkedHashMap<>();
        sets.forEach((k, v) -> s.put(k, List.copyOf(v)));
        sets = java.util.Collections.unmodifiableMap(s);
    }

    @SuppressWarnings("unchecked")
    static LiveTable parse(String json) {
        Object root = JsonValues.parse(json);
        if (!(root instanceof Map<?, ?> m) || !(m.get("nftables") instanceof List<?> items)) {
            throw new IllegalArgumentException("nft JSON: no 'nftables' array");
        }
        Map<String, List<LiveRule>> chains = new LinkedHashMap<>();
        Map<String, List<String>> sets = new LinkedHashMap<>();
        for (Object item : items) {
            Map<String, Object> obj = (Map<String, Object>) item;
            if (obj.get("chain") instanceof Map<?, ?> chain) {
                chains.putIfAbsent(String.valueOf(chain.get("name")), new ArrayList<>());
            } else if (obj.get("set") instanceof Map<?, ?> set) {
                boolean dynamic = set.get("flags") instanceof List<?> flags && flags.contains("dynamic")
                        || set.get("flags") instanceof List<?> f2 && f2.contains("timeout");
                List<String> elems = new ArrayList<>();
                if (!dynamic && set.get("elem") instanceof List<?> list) {
                    list.forEach(e -> elems.add(JsonValues.canonical(e)));
                }
                sets.put(String.valueOf(set.get("name")), elems);
            } else if (obj.get("rule") instanceof Map<?, ?> rule) {
                String chain = String.valueOf(rule.get("chain"));
                Object comment = rule.get("comment");
                chains.computeIfAbsent(chain, k -> new ArrayList<>())
                        .add(new LiveRule(comment == null ? null : String.valueOf(comment), JsonValues.canonical(withoutCounts(rule.get("expr")))));
            }
        }
        return new LiveTable(chains, sets);
    }

    /** Counter values change with traffic; only the presence of a counter is part of the rule. */
    @SuppressWarnings("unchecked")
    private static Object withoutCounts(Object expr) {
        if (expr instanceof List<?> stmts) {
            List<Object> out = new ArrayList<>();
            for (Object st : stmts) {
                if (st instanceof Map<?, ?> m && m.containsKey("counter")) {
                    Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) m);
                    copy.put("counter", null);
                    out.add(copy);
                } else {
                    out.add(st);
                }
            }
            return out;
        }
        return expr;
    }

    /** The value of a {@code key=value} comment in the {@code policy_info} chain, or null. */
    String policyInfo(String key) {
        for (LiveRule r : chains.getOrDefault(cn.egov.rules.nft.NftNames.POLICY_INFO, List.of())) {
            if (r.comment() != null && r.comment().startsWith(key + "=")) {
                return r.comment().substring(key.length() + 1);
            }
        }
        return null;
    }
}
