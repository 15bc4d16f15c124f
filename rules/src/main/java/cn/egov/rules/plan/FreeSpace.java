package cn.egov.rules.plan;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** Free (unallocated) CIDR blocks of a prefix, given its disjoint sub-blocks in address order. */
final class FreeSpace {

    private FreeSpace() {
    }

    static BigInteger start(IpPrefix p) {
        return BigInteger.valueOf(p.hi()).shiftLeft(64).or(unsigned(p.lo())).and(mask128());
    }

    static BigInteger end(IpPrefix p) {
        return BigInteger.valueOf(p.endHi()).shiftLeft(64).or(unsigned(p.endLo())).and(mask128());
    }

    private static BigInteger unsigned(long v) {
        return new BigInteger(1, java.nio.ByteBuffer.allocate(8).putLong(v).array());
    }

    private static BigInteger mask128() {
        return BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
    }

    /** Up to {@code max} free blocks of {@code parent}, lowest first. */
    static List<IpPrefix> gaps(IpPrefix parent, List<IpPrefix> sortedChildren, int max) {
        List<IpPrefix> out = new ArrayList<>();
        BigInteger cursor = start(parent);
        BigInteger last = end(parent);
        for (IpPrefix c : sortedChildren) {
            if (out.size() >= max) {
                return out;
            }
            BigInteger s = start(c);
            if (s.compareTo(cursor) > 0) {
                blocks(parent.v6(), cursor, s.subtract(BigInteger.ONE), out, max);
            }
            BigInteger next = end(c).add(BigInteger.ONE);
            if (next.compareTo(cursor) > 0) {
                cursor = next;
            }
        }
        if (cursor.compareTo(last) <= 0) {
            blocks(parent.v6(), cursor, last, out, max);
        }
        return out;
    }

    private static void blocks(boolean v6, BigInteger from, BigInteger to, List<IpPrefix> out, int max) {
        int bits = v6 ? 128 : 32;
        while (from.compareTo(to) <= 0 && out.size() < max) {
            int size = from.signum() == 0 ? bits : Math.min(bits, from.getLowestSetBit());
            while (size > 0 && from.add(BigInteger.ONE.shiftLeft(size)).subtract(BigInteger.ONE).compareTo(to) > 0) {
                size--;
            }
            long hi = from.shiftRight(64).longValue();
            long lo = from.longValue();
            out.add(new IpPrefix(v6, v6 ? hi : 0, v6 ? lo : lo & 0xffffffffL, bits - size));
            from = from.add(BigInteger.ONE.shiftLeft(size));
        }
    }
}
