package cn.egov.rules.plan;

import cn.egov.rules.plan.PlanFinding.Kind;
import cn.egov.rules.plan.PlanFinding.Severity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a parsed plan: overlapping entries, allocations outside their parent, allocations in
 * another unit's space, allocations in reserved ranges, malformed, duplicate or unconventional
 * domain names, and unused space. Each finding names the file and line at fault.
 *
 * <p>The address checks are one sweep over a {@link PrefixIndex}: each entry's enclosing chain
 * tells who it sits inside. Rules, for an allocation B of owner O in zone Z:
 * <ul>
 * <li>its parent is the nearest ancestor of O (county, city, province) holding allocations in Z
 *     and B's family; B must lie in one of them, or, when no ancestor holds any, in an aggregate
 *     of Z ({@link Kind#OUTSIDE_PARENT});</li>
 * <li>the innermost allocation around B must be that parent's: the same prefix, O's own, or a
 *     descendant's is an {@link Kind#OVERLAP}; an unrelated owner's is {@link Kind#FOREIGN_SPACE};</li>
 * <li>nothing may overlap a reserved range ({@link Kind#RESERVED}).</li>
 * </ul>
 */
public final class PlanValidator {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final int MAX_NAME = 253;
    /** How many free blocks an unused-space warning lists. */
    private static final int FREE_BLOCKS_SHOWN = 3;
    private static final int CITY_CODE_LENGTH = 4;

    /** Validates the plan; findings are sorted by file and line. */
    public List<PlanFinding> validate(AddressPlan plan) {
        List<PlanFinding> out = new ArrayList<>();
        addresses(plan, out);
        domains(plan, out);
        out.sort(Comparator.comparing((PlanFinding f) -> f.source().file()).thenComparingInt(f -> f.source().line()));
        return out;
    }

    /*
     * Hot path (100,000 allocations): owners as numbers. A code's digits without the dash are
     * unique across kinds (2, 4, 6 or 9 digits, none with a leading zero), and a parent is a
     * division: the unit's county (dropping 00 pairs: 130600 -> 1306), or the code less two digits.
     */
    private static long id(Owner o) {
        String c = o.code();
        long v = 0;
        for (int i = 0; i < c.length(); i++) {
            char ch = c.charAt(i);
            if (ch != '-') {
                v = v * 10 + (ch - '0');
            }
        }
        return v;
    }

    private static final long FIRST_UNIT_ID = 100_000_000L;
    private static final long FIRST_CITY_ID = 1_000L;

    private static long parentId(long id) {
        long v;
        if (id >= FIRST_UNIT_ID) {
            v = id / 1000;
            while (v >= FIRST_CITY_ID && v % 100 == 0) {
                v /= 100;
            }
            return v;
        }
        return id >= FIRST_CITY_ID ? id / 100 : -1;
    }

    private static long key(long ownerId, Zone z, boolean v6) {
        return ownerId * 8 + z.ordinal() * 2L + (v6 ? 1 : 0);
    }

    private void addresses(AddressPlan plan, List<PlanFinding> out) {
        long[] holding = new long[plan.allocations().size()];
        for (int i = 0; i < holding.length; i++) {
            Allocation a = plan.allocations().get(i);
            holding[i] = key(id(a.owner()), a.zone(), a.prefix().v6());
        }
        Arrays.sort(holding);
        Map<PlanEntry, List<IpPrefix>> children = new IdentityHashMap<>();
        PrefixIndex<PlanEntry> index = plan.index();
        index.forEachWithChain((entry, chain) -> {
            // only aggregates and city blocks are checked for unused space
            if (!chain.isEmpty() && (chain.get(0) instanceof Aggregate || chain.get(0) instanceof Allocation p
                    && p.owner().code().length() == CITY_CODE_LENGTH)) {
                children.computeIfAbsent(chain.get(0), k -> new ArrayList<>()).add(entry.prefix());
            }
            if (entry instanceof Allocation b) {
                allocation(b, chain, holding, out);
            } else if (entry instanceof Aggregate g) {
                if (!chain.isEmpty()) {
                    PlanEntry e = chain.get(0);
                    out.add(error(Kind.OVERLAP, g.source(), g.describe() + " overlaps " + e.describe() + " at " + e.source()));
                }
            } else if (entry instanceof ReservedRange r) {
                for (PlanEntry e : chain) {
                    if (e instanceof Allocation a) {
                        out.add(error(Kind.RESERVED, a.source(), a.describe() + " covers " + r.describe() + " at " + r.source()));
                    } else if (e instanceof ReservedRange r2) {
                        out.add(error(Kind.OVERLAP, r.source(), r.describe() + " overlaps " + r2.describe() + " at " + r2.source()));
                    }
                }
            }
        });
        unused(plan, children, out);
    }

    private void allocation(Allocation b, List<PlanEntry> chain, long[] holding, List<PlanFinding> out) {
        long parentId = -1;
        for (long anc = parentId(id(b.owner())); anc >= 0; anc = parentId(anc)) {
            if (Arrays.binarySearch(holding, key(anc, b.zone(), b.prefix().v6())) >= 0) {
                parentId = anc;
                break;
            }
        }
        Allocation inner = null;
        boolean inAggregate = false;
        for (PlanEntry e : chain) {
            if (e instanceof ReservedRange r) {
                out.add(error(Kind.RESERVED, b.source(), b.describe() + " lies in " + r.describe() + " at " + r.source()));
            } else if (e instanceof Allocation a && inner == null) {
                inner = a;
            } else if (e instanceof Aggregate g && g.zone() == b.zone()) {
                inAggregate = true;
            }
        }
        if (inner == null) {
            if (parentId >= 0) {
                out.add(error(Kind.OUTSIDE_PARENT, b.source(), b.describe() + " is outside every " + b.zone().label()
                        + " allocation of its parent " + parentId));
            } else if (!inAggregate) {
                out.add(error(Kind.OUTSIDE_PARENT, b.source(), b.describe() + " is outside every " + b.zone().label()
                        + " aggregate"));
            }
            return;
        }
        if (parentId >= 0 && parentId == id(inner.owner()) && inner.zone() == b.zone() && !inner.prefix().equals(b.prefix())) {
            return; // the common case: inside its parent's block
        }
        Owner parent = parentId < 0 ? null : new Owner(Long.toString(parentId));
        String at = inner.describe() + " at " + inner.source();
        if (inner.prefix().equals(b.prefix())) {
            out.add(error(Kind.OVERLAP, b.source(), b.describe() + " repeats the prefix of " + at));
        } else if (inner.owner().equals(b.owner())) {
            out.add(error(Kind.OVERLAP, b.source(), b.describe() + " lies inside the same owner's " + at));
        } else if (b.owner().isAncestorOf(inner.owner())) {
            out.add(error(Kind.OVERLAP, b.source(), b.describe() + " lies inside its own descendant's " + at));
        } else if (!inner.owner().isAncestorOf(b.owner())) {
            out.add(error(Kind.FOREIGN_SPACE, b.source(), b.describe() + " lies in " + inner.owner() + "'s space: " + at));
        } else if (inner.zone() != b.zone()) {
            out.add(error(Kind.OUTSIDE_PARENT, b.source(), b.describe() + " lies in the " + inner.zone().label()
                    + " allocation " + at));
        } else if (!inner.owner().equals(parent)) {
            out.add(error(Kind.OUTSIDE_PARENT, b.source(), b.describe() + " skips its parent " + parent
                    + ": it is in " + at + " but outside every " + b.zone().label() + " allocation of " + parent));
        }
    }

    private void unused(AddressPlan plan, Map<PlanEntry, List<IpPrefix>> children, List<PlanFinding> out) {
        for (Aggregate g : plan.aggregates()) {
            List<IpPrefix> kids = children.getOrDefault(g, List.of());
            List<IpPrefix> free = FreeSpace.gaps(g.prefix(), kids, FREE_BLOCKS_SHOWN);
            if (kids.isEmpty()) {
                out.add(warning(Kind.UNUSED, g.source(), g.describe() + " has no allocations"));
            } else if (!free.isEmpty()) {
                out.add(warning(Kind.UNUSED, g.source(), g.describe() + ": " + percentFree(g.prefix(), kids)
                        + " unallocated, e.g. " + free));
            }
        }
        for (Allocation a : plan.allocations()) {
            // a city's block exists to be divided among its counties and departments
            if (!a.owner().isUnit() && a.owner().code().length() == CITY_CODE_LENGTH && !children.containsKey(a)) {
                out.add(warning(Kind.UNUSED, a.source(), a.describe() + " is never sub-allocated"));
            }
        }
    }

    private static String percentFree(IpPrefix parent, List<IpPrefix> kids) {
        double used = 0;
        for (IpPrefix k : kids) {
            used += Math.pow(2, k.bits() - k.length());
        }
        double free = Math.max(0, 1 - used / Math.pow(2, parent.bits() - parent.length()));
        return String.format(java.util.Locale.ROOT, "%.1f%%", free * 100);
    }

    private void domains(AddressPlan plan, List<PlanFinding> out) {
        Map<String, DomainEntry> seen = new HashMap<>(plan.domains().size() * 2);
        for (DomainEntry d : plan.domains()) {
            String problem = malformed(d.name());
            if (problem != null) {
                out.add(error(Kind.DOMAIN_MALFORMED, d.source(), "'" + d.name() + "' " + problem));
                continue;
            }
            DomainEntry first = seen.putIfAbsent(d.name(), d);
            if (first != null) {
                out.add(error(Kind.DOMAIN_DUPLICATE, d.source(), d.name() + " is already held by " + first.owner()
                        + " at " + first.source()));
                continue;
            }
            String convention = DomainConvention.check(plan, d.owner(), d.name());
            if (convention != null) {
                out.add(error(Kind.DOMAIN_CONVENTION, d.source(), convention));
            }
        }
    }

    /** Why a name is not a valid host name, or null when it is. */
    static String malformed(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME) {
            return "must have 1 to " + MAX_NAME + " characters";
        }
        if (!name.equals(name.toLowerCase(java.util.Locale.ROOT))) {
            return "must be written in lower case";
        }
        String[] labels = name.split("\\.", -1);
        if (labels.length < 2) {
            return "needs at least two labels";
        }
        for (String l : labels) {
            if (!LABEL.matcher(l).matches()) {
                return "has a bad label '" + l + "' (letters, digits, inner hyphens; 1-63 characters)";
            }
        }
        return null;
    }

    private static PlanFinding error(Kind k, SourceRef at, String msg) {
        return new PlanFinding(k, Severity.ERROR, at, msg);
    }

    private static PlanFinding warning(Kind k, SourceRef at, String msg) {
        return new PlanFinding(k, Severity.WARNING, at, msg);
    }
}
