package cn.egov.isolation.monitor;

import java.util.List;

/**
 * Prefixes in flat arrays for the per-packet path: a linear scan over a few dozen prefixes
 * costs less than any tree here, and allocates nothing.
 */
final class PrefixSet {
    private final long[] hi;
    private final long[] lo;
    private final long[] maskHi;
    private final long[] maskLo;
    private final int[] tag;

    /** @param tags one value per prefix, returned by {@link #tagOf} (e.g. a zone index) */
    PrefixSet(List<Prefix> prefixes, int[] tags) {
        int n = prefixes.size();
        hi = new long[n];
        lo = new long[n];
        maskHi = new long[n];
        maskLo = new long[n];
        tag = tags.clone();
        // Longest prefix first, so that tagOf finds the most specific zone.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Integer.compare(prefixes.get(b).bits(), prefixes.get(a).bits()));
        for (int k = 0; k < n; k++) {
            Prefix p = prefixes.get(order[k]);
            hi[k] = p.hi();
            lo[k] = p.lo();
            maskHi[k] = Prefix.maskHi(p.bits());
            maskLo[k] = Prefix.maskLo(p.bits());
            tag[k] = tags[order[k]];
        }
    }

    PrefixSet(List<Prefix> prefixes) {
        this(prefixes, new int[prefixes.size()]);
    }

    boolean contains(long h, long l) {
        return tagOf(h, l, Integer.MIN_VALUE) != Integer.MIN_VALUE;
    }

    /** The tag of the longest prefix holding the address, or {@code none}. */
    int tagOf(long h, long l, int none) {
        for (int i = 0; i < hi.length; i++) {
            if ((h & maskHi[i]) == hi[i] && (l & maskLo[i]) == lo[i]) {
                return tag[i];
            }
        }
        return none;
    }
}
