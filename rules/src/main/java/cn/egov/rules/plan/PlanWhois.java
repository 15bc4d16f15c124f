package cn.egov.rules.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Answers "who owns this address, this prefix, this domain name?" from a plan. Build once per
 * plan (it indexes every entry), then ask as often as needed; it is safe to share between threads.
 *
 * <pre>{@code
 * PlanWhois whois = new PlanWhois(plan, Divisions.hebei());
 * whois.ask("10.6.2.9").owner();         // 130602-001
 * whois.ask("slj.bd.gov.cn").ownerName(); // 河北省 保定市 保定市水利局
 * }</pre>
 */
public final class PlanWhois {

    private final AddressPlan plan;
    private final Divisions divisions;
    private final PrefixIndex<PlanEntry> index;
    private final Map<String, DomainEntry> names = new HashMap<>();
    private final Map<String, Owner> apexes = new HashMap<>();

    /** What was asked. */
    public enum QueryKind { ADDRESS, PREFIX, NAME }

    /**
     * One answer.
     *
     * @param query     the question as asked
     * @param kind      how it was read
     * @param owner     the holder, or null when nobody holds it
     * @param ownerName the holder's place and name, e.g. {@code 河北省 保定市 竞秀区 竞秀区教育局}
     * @param matched   the plan entry that answered, e.g. {@code alloc 130602-001 internal 10.6.2.0/25}
     * @param source    where that entry is written, or null
     * @param chain     the entries around the match, nearest first (for addresses and prefixes)
     * @param within    entries inside a queried prefix (at most {@link #WITHIN_SHOWN})
     */
    public record Answer(String query, QueryKind kind, Owner owner, String ownerName, String matched, SourceRef source,
                         List<String> chain, List<String> within) {
        public boolean found() {
            return matched != null;
        }
    }

    /** How many entries inside a queried prefix an answer lists. */
    public static final int WITHIN_SHOWN = 50;

    public PlanWhois(AddressPlan plan, Divisions divisions) {
        this.plan = plan;
        this.divisions = divisions;
        this.index = plan.index();
        for (DomainEntry d : plan.domains()) {
            names.putIfAbsent(d.name(), d);
        }
        for (PlaceLabel p : plan.places().values()) {
            Owner o = new Owner(p.division());
            plan.domainSuffixes(o).forEach(s -> apexes.put(s, o));
        }
        for (PlanUnit u : plan.units().values()) {
            if (!u.label().isEmpty()) {
                plan.domainSuffixes(u.owner()).forEach(s -> apexes.put(s, u.owner()));
            }
        }
    }

    /** The index over every address entry, for callers that want raw lookups. */
    public PrefixIndex<PlanEntry> index() {
        return index;
    }

    /** Answers an address ({@code 10.6.2.9}), a prefix ({@code 10.6.0.0/16}) or a domain name. */
    public Answer ask(String query) {
        String q = query == null ? "" : query.strip();
        if (q.isEmpty()) {
            throw new IllegalArgumentException("whois needs an address, a prefix or a domain name");
        }
        if (looksLikeAddress(q)) {
            IpPrefix p = q.indexOf('/') >= 0 ? IpPrefix.parseLenient(q).network() : IpPrefix.address(q);
            return address(q, p);
        }
        return name(q.toLowerCase(Locale.ROOT).replaceAll("\\.$", ""));
    }

    private static boolean looksLikeAddress(String q) {
        return q.indexOf(':') >= 0 || q.chars().allMatch(c -> c == '.' || c == '/' || Character.isDigit(c));
    }

    private Answer address(String q, IpPrefix p) {
        QueryKind kind = p.length() == p.bits() ? QueryKind.ADDRESS : QueryKind.PREFIX;
        List<PlanEntry> covering = index.covering(p);
        List<String> within = new ArrayList<>();
        if (kind == QueryKind.PREFIX) {
            for (PlanEntry e : index.within(p)) {
                if (within.size() == WITHIN_SHOWN) {
                    break;
                }
                if (!e.prefix().equals(p)) {
                    within.add(e.describe());
                }
            }
        }
        List<String> chain = covering.stream().skip(1).map(PlanEntry::describe).toList();
        Optional<Allocation> holder = covering.stream().filter(e -> e instanceof Allocation).map(e -> (Allocation) e).findFirst();
        if (covering.isEmpty()) {
            return new Answer(q, kind, null, null, null, null, List.of(), within);
        }
        PlanEntry top = covering.get(0);
        Owner owner = holder.map(Allocation::owner).orElse(null);
        return new Answer(q, kind, owner, owner == null ? null : ownerName(owner), top.describe(), top.source(), chain, within);
    }

    private Answer name(String name) {
        DomainEntry d = names.get(name);
        if (d != null) {
            return new Answer(name, QueryKind.NAME, d.owner(), ownerName(d.owner()), "domain " + d.owner() + " " + d.name(),
                    d.source(), List.of(), List.of());
        }
        for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
            Owner o = apexes.get(name.substring(dot + 1));
            if (o != null) {
                return new Answer(name, QueryKind.NAME, o, ownerName(o), "name space " + name.substring(dot + 1), null,
                        List.of(), List.of());
            }
        }
        Owner o = apexes.get(name);
        if (o != null) {
            return new Answer(name, QueryKind.NAME, o, ownerName(o), "name space " + name, null, List.of(), List.of());
        }
        return new Answer(name, QueryKind.NAME, null, null, null, null, List.of(), List.of());
    }

    /** Place path plus the unit's name, e.g. {@code 河北省 保定市 保定市水利局}. */
    public String ownerName(Owner owner) {
        String path = divisions == null ? owner.division() : divisions.path(owner.division());
        PlanUnit u = plan.units().get(owner.code());
        return u == null || u.name().isEmpty() ? path : path + " " + u.name();
    }
}
