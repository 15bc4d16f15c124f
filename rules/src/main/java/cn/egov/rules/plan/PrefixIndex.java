package cn.egov.rules.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A read-only index of CIDR prefixes for fast "who holds this address" questions. Entries are
 * kept per family in arrays sorted by start address (shorter prefix first on ties), and each
 * knows its nearest enclosing entry. Because CIDR blocks either nest or are disjoint, the most
 * specific entry for an address is found by a binary search for the last entry starting at or
 * before it, then a walk up the enclosing chain (as deep as the plan's hierarchy, a handful of
 * steps): O(log n) per lookup, no allocation on the {@link #contains} path.
 *
 * <pre>{@code
 * PrefixIndex<Aggregate> gov = plan.aggregateIndex(Zone.EXTERNAL);
 * gov.contains(IpPrefix.address("198.18.3.4"));  // true
 * gov.containsIPv4(0xC6120304);                    // same, without parsing
 * plan.index().mostSpecific(IpPrefix.address("10.6.2.9")); // the allocation holding it
 * }</pre>
 *
 * @param <T> the value held per prefix
 */
public final class PrefixIndex<T> {

    private final Family v4;
    private final Family v6;

    private final class Family {
        final IpPrefix[] prefixes;
        final long[] startHi;
        final long[] startLo;
        final long[] endHi;
        final long[] endLo;
        final int[] parent;
        final T[] values;

        @SuppressWarnings("unchecked")
        Family(List<IpPrefix> ps, List<T> vs) {
            int n = ps.size();
            int[] order = sortOrder(ps);
            prefixes = new IpPrefix[n];
            values = (T[]) new Object[n];
            startHi = new long[n];
            startLo = new long[n];
            endHi = new long[n];
            endLo = new long[n];
            parent = new int[n];
            for (int i = 0; i < n; i++) {
                IpPrefix p = ps.get(order[i]);
                prefixes[i] = p;
                values[i] = vs.get(order[i]);
                startHi[i] = p.hi();
                startLo[i] = p.lo();
                endHi[i] = p.endHi();
                endLo[i] = p.endLo();
            }
            int[] stack = new int[130];
            int top = -1;
            for (int i = 0; i < n; i++) {
                while (top >= 0 && !encloses(stack[top], startHi[i], startLo[i])) {
                    top--;
                }
                parent[i] = top >= 0 ? stack[top] : -1;
                if (top + 1 == stack.length) {
                    stack = Arrays.copyOf(stack, stack.length * 2);
                }
                stack[++top] = i;
            }
        }

        /**
         * Input positions in (start, length, input position) order, so that equal prefixes keep
         * their file order. IPv4 packs all three into one long and sorts primitives; IPv6 uses the
         * prefix comparator.
         */
        private int[] sortOrder(List<IpPrefix> ps) {
            int n = ps.size();
            int[] order = new int[n];
            if (n > 0 && !ps.get(0).v6() && n < (1 << 24)) {
                long[] keys = new long[n];
                for (int i = 0; i < n; i++) {
                    IpPrefix p = ps.get(i);
                    // flip the sign bit so that signed order of the keys is unsigned order of the addresses
                    keys[i] = ((p.lo() << 32) | ((long) p.length() << 24) | i) ^ Long.MIN_VALUE;
                }
                Arrays.sort(keys);
                for (int i = 0; i < n; i++) {
                    order[i] = (int) (keys[i] & 0xffffff);
                }
                return order;
            }
            Integer[] boxed = new Integer[n];
            for (int i = 0; i < n; i++) {
                boxed[i] = i;
            }
            Arrays.sort(boxed, Comparator.comparing(ps::get)); // stable
            for (int i = 0; i < n; i++) {
                order[i] = boxed[i];
            }
            return order;
        }

        boolean encloses(int i, long hi, long lo) {
            return cmp(startHi[i], startLo[i], hi, lo) <= 0 && cmp(hi, lo, endHi[i], endLo[i]) <= 0;
        }

        /** Index of the most specific entry containing [hi,lo .. ehi,elo], or -1. */
        int find(long hi, long lo, long ehi, long elo) {
            int low = 0;
            int high = prefixes.length - 1;
            int last = -1;
            while (low <= high) {
                int mid = (low + high) >>> 1;
                if (cmp(startHi[mid], startLo[mid], hi, lo) <= 0) {
                    last = mid;
                    low = mid + 1;
                } else {
                    high = mid - 1;
                }
            }
            int i = last;
            while (i >= 0 && !(encloses(i, hi, lo) && encloses(i, ehi, elo))) {
                i = parent[i];
            }
            return i;
        }
    }

    private static int cmp(long ahi, long alo, long bhi, long blo) {
        int c = Long.compareUnsigned(ahi, bhi);
        return c != 0 ? c : Long.compareUnsigned(alo, blo);
    }

    private PrefixIndex(List<IpPrefix> p4, List<T> x4, List<IpPrefix> p6, List<T> x6) {
        v4 = new Family(p4, x4);
        v6 = new Family(p6, x6);
    }

    /** Builds an index over {@code items}, keyed by {@code prefixOf}. */
    public static <T> PrefixIndex<T> of(List<? extends T> items, Function<? super T, IpPrefix> prefixOf) {
        List<IpPrefix> p4 = new ArrayList<>();
        List<T> x4 = new ArrayList<>();
        List<IpPrefix> p6 = new ArrayList<>();
        List<T> x6 = new ArrayList<>();
        for (T item : items) {
            IpPrefix p = prefixOf.apply(item);
            (p.v6() ? p6 : p4).add(p);
            (p.v6() ? x6 : x4).add(item);
        }
        return new PrefixIndex<>(p4, x4, p6, x6);
    }

    private Family family(IpPrefix p) {
        return p.v6() ? v6 : v4;
    }

    /** True when some entry contains the address (or prefix). */
    public boolean contains(IpPrefix address) {
        return family(address).find(address.hi(), address.lo(), address.endHi(), address.endLo()) >= 0;
    }

    /** {@link #contains} for an IPv4 address given as an int (network order value). */
    public boolean containsIPv4(int address) {
        long a = address & 0xffffffffL;
        return v4.find(0, a, 0, a) >= 0;
    }

    /** {@link #contains} for raw address bytes (4 or 16, as {@code InetAddress.getAddress()}). */
    public boolean contains(byte[] address) {
        if (address.length == 4) {
            return containsIPv4(((address[0] & 255) << 24) | ((address[1] & 255) << 16) | ((address[2] & 255) << 8) | (address[3] & 255));
        }
        if (address.length != 16) {
            throw new IllegalArgumentException("address must have 4 or 16 bytes");
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (address[i] & 255);
            lo = (lo << 8) | (address[i + 8] & 255);
        }
        return v6.find(hi, lo, hi, lo) >= 0;
    }

    /** The value of the most specific entry containing the address or prefix. */
    public Optional<T> mostSpecific(IpPrefix query) {
        Family f = family(query);
        int i = f.find(query.hi(), query.lo(), query.endHi(), query.endLo());
        return i < 0 ? Optional.empty() : Optional.of(f.values[i]);
    }

    /** Every entry containing the query, most specific first. */
    public List<T> covering(IpPrefix query) {
        Family f = family(query);
        List<T> out = new ArrayList<>(4);
        for (int i = f.find(query.hi(), query.lo(), query.endHi(), query.endLo()); i >= 0; i = f.parent[i]) {
            out.add(f.values[i]);
        }
        return out;
    }

    /** Entries lying inside the query prefix (itself included when present), in address order. */
    public List<T> within(IpPrefix query) {
        Family f = family(query);
        long hi = query.hi();
        long lo = query.lo();
        int low = 0;
        int high = f.prefixes.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (cmp(f.startHi[mid], f.startLo[mid], hi, lo) < 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        List<T> out = new ArrayList<>();
        for (int i = low; i < f.prefixes.length && cmp(f.startHi[i], f.startLo[i], query.endHi(), query.endLo()) <= 0; i++) {
            if (query.contains(f.prefixes[i])) {
                out.add(f.values[i]);
            }
        }
        return out;
    }

    /** Number of entries. */
    public int size() {
        return v4.prefixes.length + v6.prefixes.length;
    }

    /** Walks every entry in address order (IPv4 first) with its nearest enclosing entry (or null). */
    public void forEachWithParent(java.util.function.BiConsumer<T, T> visitor) {
        for (Family f : List.of(v4, v6)) {
            for (int i = 0; i < f.prefixes.length; i++) {
                visitor.accept(f.values[i], f.parent[i] < 0 ? null : f.values[f.parent[i]]);
            }
        }
    }

    /** The enclosing chain of every entry, nearest first, for validators: visitor(entry, chain). */
    public void forEachWithChain(java.util.function.BiConsumer<T, List<T>> visitor) {
        List<T> chain = new ArrayList<>(8);
        for (Family f : List.of(v4, v6)) {
            for (int i = 0; i < f.prefixes.length; i++) {
                chain.clear();
                for (int j = f.parent[i]; j >= 0; j = f.parent[j]) {
                    chain.add(f.values[j]);
                }
                visitor.accept(f.values[i], chain);
            }
        }
    }
}
