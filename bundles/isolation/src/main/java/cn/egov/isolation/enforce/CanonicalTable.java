package cn.egov.isolation.enforce;

import cn.egov.api.json.JsonValues;
import cn.egov.rules.nft.NftNames;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Table {@code inet egov} as the kernel holds it, read from {@code nft -j list table inet egov}, in
 * a form where two tables that enforce the same thing are equal: what {@link TableDiff} compares,
 * the live table against the same policy loaded into a scratch namespace ({@link ExpectedTables}).
 *
 * <p>Kept: the table's own properties (a {@code dormant} flag switches every chain off), each
 * chain's declaration (type, hook, priority, policy) and its rules in order (expression and
 * comment), each set's declaration and its elements, and any other object in the table. Left out:
 * handles and the family and table fields (they differ between any two loads), counter values
 * (traffic), and the elements of dynamic sets (the denial records, data rather than policy).
 * Sorted: named sets' elements and the elements of anonymous sets inside rules, whose order is the
 * kernel's, not the policy's.
 *
 * @param table   the table's properties, field → canonical JSON
 * @param chains  chain name → chain, in the kernel's order
 * @param sets    set name → set
 * @param objects other objects (maps, counters, quotas, flowtables...): "kind name" → canonical JSON
 */
record CanonicalTable(Map<String, String> table, Map<String, Chain> chains, Map<String, NamedSet> sets,
                      Map<String, String> objects) {

    /** Fields that identify an object in one load of the table, not what it does. */
    private static final List<String> IDENTITY = List.of("handle", "family", "table", "name");

    /**
     * One chain.
     *
     * @param declaration type, hook, prio, policy (base chains), comment: field → canonical JSON
     * @param rules       rules in order
     */
    record Chain(Map<String, String> declaration, List<Rule> rules) {
        Chain {
            declaration = Collections.unmodifiableMap(new TreeMap<>(declaration));
            rules = List.copyOf(rules);
        }

        /** Each rule's identity-free form, in order: what is compared. */
        List<String> ruleKeys() {
            return rules.stream().map(Rule::key).toList();
        }
    }

    /**
     * One rule.
     *
     * @param comment its comment, or null
     * @param expr    canonical JSON of its expression list
     * @param handle  the kernel's handle in this load (only to find the rule's text; never compared)
     */
    record Rule(String comment, String expr, long handle) {
        String key() {
            return (comment == null ? "-" : JsonValues.canonical(comment)) + " " + expr;
        }
    }

    /**
     * One named set.
     *
     * @param declaration type, flags, timeout, size, comment...: field → canonical JSON
     * @param dynamic     filled by the data path ({@code timeout} or {@code dynamic} flag): elements not kept
     * @param elements    canonical JSON of each element, sorted (empty for dynamic sets)
     */
    record NamedSet(Map<String, String> declaration, boolean dynamic, List<String> elements) {
        NamedSet {
            declaration = Collections.unmodifiableMap(new TreeMap<>(declaration));
            elements = List.copyOf(elements);
        }
    }

    CanonicalTable {
        table = Collections.unmodifiableMap(new TreeMap<>(table));
        chains = Collections.unmodifiableMap(new LinkedHashMap<>(chains));
        sets = Collections.unmodifiableMap(new LinkedHashMap<>(sets));
        objects = Collections.unmodifiableMap(new TreeMap<>(objects));
    }

    /** Reads {@code nft -j list table inet egov}; a malformed answer is an {@link IllegalArgumentException}. */
    @SuppressWarnings("unchecked")
    static CanonicalTable parse(String json) {
        Object root = JsonValues.parse(json);
        if (!(root instanceof Map<?, ?> m) || !(m.get("nftables") instanceof List<?> items)) {
            throw new IllegalArgumentException("nft JSON: no 'nftables' array");
        }
        Map<String, String> table = new TreeMap<>();
        Map<String, Map<String, String>> chainDecl = new LinkedHashMap<>();
        Map<String, List<Rule>> rules = new LinkedHashMap<>();
        Map<String, NamedSet> sets = new LinkedHashMap<>();
        Map<String, String> objects = new TreeMap<>();
        for (Object item : items) {
            if (!(item instanceof Map<?, ?> wrapper) || wrapper.size() != 1) {
                throw new IllegalArgumentException("nft JSON: an item of 'nftables' is not an object with one key");
            }
            Map.Entry<String, Object> e = ((Map<String, Object>) wrapper).entrySet().iterator().next();
            if (!(e.getValue() instanceof Map<?, ?> body)) {
                throw new IllegalArgumentException("nft JSON: '" + e.getKey() + "' is not an object");
            }
            Map<String, Object> obj = (Map<String, Object>) body;
            switch (e.getKey()) {
                case "metainfo" -> { }
                case "table" -> {
                    table.putAll(declaration(obj));
                    // nft 1.0.6 prints the table's flags in JSON as stray text (the table's name, its
                    // release name): only their presence can be relied on, and any flag is drift
                    table.computeIfPresent("flags", (k, v) -> JsonValues.canonical("set"));
                }
                case "chain" -> {
                    String name = String.valueOf(obj.get("name"));
                    chainDecl.put(name, declaration(obj));
                    rules.putIfAbsent(name, new ArrayList<>());
                }
                case "rule" -> {
                    Object comment = obj.get("comment");
                    long handle = obj.get("handle") instanceof Number n ? n.longValue() : -1;
                    rules.computeIfAbsent(String.valueOf(obj.get("chain")), k -> new ArrayList<>())
                            .add(new Rule(comment == null ? null : String.valueOf(comment), JsonValues.canonical(normalise(obj.get("expr"))), handle));
                }
                case "set" -> sets.put(String.valueOf(obj.get("name")), set(obj));
                default -> objects.put(e.getKey() + " " + obj.get("name"), JsonValues.canonical(normalise(withoutIdentity(obj))));
            }
        }
        Map<String, Chain> chains = new LinkedHashMap<>();
        rules.forEach((name, list) -> chains.put(name, new Chain(chainDecl.getOrDefault(name, Map.of()), list)));
        return new CanonicalTable(table, chains, sets, objects);
    }

    private static NamedSet set(Map<String, Object> obj) {
        boolean dynamic = obj.get("flags") instanceof List<?> flags && (flags.contains("dynamic") || flags.contains("timeout"));
        Map<String, Object> decl = withoutIdentity(obj);
        Object elems = decl.remove("elem");
        List<String> elements = new ArrayList<>();
        if (!dynamic && elems instanceof List<?> list) {
            list.forEach(el -> elements.add(JsonValues.canonical(normalise(el))));
            Collections.sort(elements);
        }
        Map<String, String> canonical = new TreeMap<>();
        decl.forEach((k, v) -> canonical.put(k, JsonValues.canonical(normalise(v))));
        return new NamedSet(canonical, dynamic, elements);
    }

    private static Map<String, String> declaration(Map<String, Object> obj) {
        Map<String, String> out = new TreeMap<>();
        withoutIdentity(obj).forEach((k, v) -> out.put(k, JsonValues.canonical(normalise(v))));
        return out;
    }

    private static Map<String, Object> withoutIdentity(Map<String, Object> obj) {
        Map<String, Object> copy = new LinkedHashMap<>(obj);
        IDENTITY.forEach(copy::remove);
        return copy;
    }

    /**
     * Counter values change with traffic (only the presence of a counter belongs to the rule), and
     * the kernel lists an anonymous set's elements in an order of its own: sorted here.
     */
    @SuppressWarnings("unchecked")
    static Object normalise(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) m).forEach((k, val) -> {
                if ("counter".equals(k) && val instanceof Map<?, ?>) {
                    out.put(k, Map.of());
                } else if ("set".equals(k) && val instanceof List<?> elems) {
                    List<Object> sorted = new ArrayList<>();
                    elems.forEach(x -> sorted.add(normalise(x)));
                    sorted.sort((a, b) -> JsonValues.canonical(a).compareTo(JsonValues.canonical(b)));
                    out.put(k, sorted);
                } else {
                    out.put(k, normalise(val));
                }
            });
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(normalise(x)));
            return out;
        }
        return v;
    }

    /** The value of a {@code key=value} comment in the {@code policy_info} chain, or null. */
    String policyInfo(String key) {
        Chain info = chains.get(NftNames.POLICY_INFO);
        if (info == null) {
            return null;
        }
        for (Rule r : info.rules()) {
            if (r.comment() != null && r.comment().startsWith(key + "=")) {
                return r.comment().substring(key.length() + 1);
            }
        }
        return null;
    }

    /** "name version (hash prefix)" from {@code policy_info}, or a note that the table carries none. */
    String policyIdentity() {
        String sha = policyInfo("sha256");
        return sha == null ? "no policy_info" : policyInfo("policy") + " " + policyInfo("version")
                + " (" + sha.substring(0, Math.min(12, sha.length())) + ")";
    }

    /** Readable text of a set element from its canonical JSON: {@code 10.200.0.0/16}, {@code 22-25}, {@code "eth1"}. */
    @SuppressWarnings("unchecked")
    static String elementText(String canonicalJson) {
        return elementText(JsonValues.parse(canonicalJson));
    }

    @SuppressWarnings("unchecked")
    private static String elementText(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> map = (Map<String, Object>) m;
            if (map.get("prefix") instanceof Map<?, ?> p) {
                return p.get("addr") + "/" + p.get("len");
            }
            if (map.get("range") instanceof List<?> r && r.size() == 2) {
                return elementText(r.get(0)) + "-" + elementText(r.get(1));
            }
            if (map.get("concat") instanceof List<?> c) {
                return String.join(" . ", c.stream().map(CanonicalTable::elementText).toList());
            }
            if (map.get("elem") instanceof Map<?, ?> el) {
                return elementText(((Map<String, Object>) el).get("val"));
            }
        }
        return JsonValues.canonical(v);
    }
}
