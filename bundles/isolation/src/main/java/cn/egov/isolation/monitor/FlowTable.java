package cn.egov.isolation.monitor;

import java.util.Arrays;

/**
 * A bounded map from 64-bit keys (hashes of a flow, a MAC...) to ints, by open addressing in
 * primitive arrays: looking up a flow allocates nothing. When it holds {@code capacity} keys it
 * is cleared and {@link #overflows()} grows: the owner reports that (a metric and an alarm), and
 * old flows may be reported again rather than new ones being lost.
 */
final class FlowTable {
    static final int ABSENT = Integer.MIN_VALUE;
    private static final long EMPTY = 0L;

    private final long[] keys;
    private final int[] values;
    private final int mask;
    private final int capacity;
    private int size;
    private long overflows;

    /** @param capacity the most keys held at once */
    FlowTable(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        int slots = Integer.highestOneBit(Math.max(4, capacity * 2 - 1)) << 1; // load factor <= 0.5
        keys = new long[slots];
        values = new int[slots];
        mask = slots - 1;
        this.capacity = capacity;
    }

    int get(long key) {
        long k = key == EMPTY ? 1 : key;
        for (int i = slot(k); ; i = (i + 1) & mask) {
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
        }
        long k = key == EMPTY ? 1 : key;
        int i = slot(k);
        while (keys[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        keys[i] = k;
        values[i] = value;
        size++;
        return true;
    }

    int size() {
        return size;
    }

    long overflows() {
        return overflows;
    }

    private int slot(long k) {
        return (int) mix(k) & mask;
    }

    /** Murmur3's 64-bit finaliser: spreads keys that differ in a few bits. */
    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
