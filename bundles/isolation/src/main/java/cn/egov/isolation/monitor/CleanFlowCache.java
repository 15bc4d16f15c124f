package cn.egov.isolation.monitor;

import cn.egov.isolation.capture.DecodedPacket;
import java.util.Arrays;

/**
 * Remembers recent packets that broke no address rule, keyed by everything those rules read
 * (interface, protocol, addresses, ports, whether a TCP segment opens a connection), with the
 * zone of the segment they were seen on. The next packets of such a flow skip the prefix
 * look-ups; only their MAC is checked. Direct-mapped and exact (the whole key is compared): a
 * miss or a collision costs one classification, never a wrong verdict. Violating packets are
 * never cached, so every one of them is counted against its rule.
 */
final class CleanFlowCache {
    private static final long VALID = 1L << 63;
    /** Interface indexes that fit the packed key; higher ones are simply not cached. */
    static final int MAX_INTERFACE = (1 << 13) - 1;

    private final long[] srcHi;
    private final long[] srcLo;
    private final long[] dstHi;
    private final long[] dstLo;
    private final long[] meta;
    private final int[] segmentZone;
    private final int mask;

    /** @param slots a power of two */
    CleanFlowCache(int slots) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two, not " + slots);
        }
        srcHi = new long[slots];
        srcLo = new long[slots];
        dstHi = new long[slots];
        dstLo = new long[slots];
        meta = new long[slots];
        segmentZone = new int[slots];
        mask = slots - 1;
    }

    /** The packed non-address part of the key, or 0 when the packet cannot be cached. */
    static long meta(DecodedPacket p) {
        if (p.interfaceIndex > MAX_INTERFACE) {
            return 0;
        }
        return VALID | (long) p.interfaceIndex << 43 | (long) (p.protocol & 0xFF) << 35 | (p.tcpOpening() ? 1L : 0L) << 34
                | (long) (p.srcPort + 1) << 17 | (p.dstPort + 1);
    }

    /** The segment zone cached for this packet's flow, or {@code miss}. */
    int lookup(DecodedPacket p, long meta, int miss) {
        int i = slot(p, meta);
        if (this.meta[i] == meta && srcLo[i] == p.srcLo && dstLo[i] == p.dstLo && srcHi[i] == p.srcHi && dstHi[i] == p.dstHi) {
            return segmentZone[i];
        }
        return miss;
    }

    void put(DecodedPacket p, long meta, int zone) {
        int i = slot(p, meta);
        this.meta[i] = meta;
        srcHi[i] = p.srcHi;
        srcLo[i] = p.srcLo;
        dstHi[i] = p.dstHi;
        dstLo[i] = p.dstLo;
        segmentZone[i] = zone;
    }

    /** Forgets everything (an interface was declared: verdicts may change). */
    void clear() {
        Arrays.fill(meta, 0L);
    }

    private int slot(DecodedPacket p, long meta) {
        long h = p.srcLo * 0x9E3779B97F4A7C15L ^ p.dstLo ^ p.srcHi * 31 ^ p.dstHi * 17 ^ meta * 0xC2B2AE3D27D4EB4FL;
        return (int) FlowTable.mix(h) & mask;
    }
}
