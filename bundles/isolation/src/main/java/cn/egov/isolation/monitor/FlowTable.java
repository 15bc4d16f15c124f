package cn.egov.isolation.monitor;

import java.util.Arrays;

/**
 * A bounded map from 64-bit keys (hashes of a flow, a MAC...) to ints, by open addressing in
 * primitive arrays: looking up a flow allocates nothing. The arrays start small and double as
 * keys arrive (an audit's table of a million flows would otherwise cost 24 MB before the first
 * packet). When it holds {@code capacity} keys it is cleared and {@link #overflows()} grows: the
 * owner reports that (a metric and an alarm), and old flows may be reported again rather than
 * new ones being lost.
 */
final class FlowTable {
    static final int ABSENT = Integer.MIN_VALUE;
    private static final long EMPTY = 0L;
    private static final int INITIAL_SLOTS = 1 << 12;

    private long[] keys;
    private int[] values;
    private int mask;
    private final int maxSlots;
    private final int capacity;
    private int size;
    private long overflows;

    /** @param capacity the most keys held at once */
    FlowTable(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        maxSlots = Integer.highestOneBit(Math.max(4, capacity * 2 - 1)) << 1; // load factor <= 0.5
        allocate(Math.min(maxSlots, INITIAL_SLOTS));
        this.capacity = capacity;
    }

    int get(long key) {
        long k = key == EMPTY ? 1 : key;
        for (int i = (int) mix(k) & mask; ; i = (i + 1) & mask) { // slot(k), one call level less for C1
            if (keys[i] == k) {
                return values[i];
            }
            if (keys[i] == EMPTY) {
                return ABSENT;
            }
        }
    }

    /**
     * Adds a key; returns true when it was added, false when it was present (value unchanged).
     * A full table is cleared first.
     */
    boolean putIfAbsent(long key, int value) {
        if (get(key) != ABSENT) {
            return false;
        }
        if (size >= capacity) {
            Arrays.fill(keys, EMPTY);
            size = 0;
            overflows++;
        } else if ((size + 1) * 2 > keys.length && keys.length < maxSlots) {
            grow();
        }
        insert(key == EMPTY ? 1 : key, value);
        size++;
        return true;
    }

    int size() {
        return size;
    }

    long overflows() {
        return overflows;
    }

    /** Slots in use now (for tests of the growth). */
    int slots() {
        return keys.length;
    }

    private void insert(long k, int value) {
        int i = slot(k);
        while (keys[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        keys[i] = k;
        values[i] = value;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        allocate(keys.length * 2);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                insert(oldKeys[i], oldValues[i]);
            }
        }
    }

    private void allocate(int slots) {
        keys = new long[slots];
        values = new int[slots];
        mask = slots - 1;
    }

    private int slot(long k) {
        return (int) mix(k) & mask;
    }

    /** Murmur3's 64-bit finaliser: spreads keys that differ in a few bits. */
    static long mix(long h) {
        // the same steps as "h ^= h >>> 33; h *= ..." in fewer bytecodes: C1 inlines it one level deeper
        long m = (h ^ h >>> 33) * 0xff51afd7ed558ccdL;
        m = (m ^ m >>> 33) * 0xc4ceb9fe1a85ec53L;
        return m ^ m >>> 33;
    }
}
