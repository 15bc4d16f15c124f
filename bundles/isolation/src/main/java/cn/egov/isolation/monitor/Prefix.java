package cn.egov.isolation.monitor;

/**
 * An IPv4 or IPv6 prefix in the classifier's 128-bit form; IPv4 prefixes are IPv4-mapped, so
 * {@code 10.0.0.0/8} is {@code ::ffff:10.0.0.0/104}.
 *
 * @param hi   upper 64 bits of the network address
 * @param lo   lower 64 bits
 * @param bits prefix length in the 128-bit space
 */
public record Prefix(long hi, long lo, int bits) {

    private static final int V4_OFFSET = 96;

    public Prefix {
        if (bits < 0 || bits > 128) {
            throw new IllegalArgumentException("prefix length " + bits + " outside 0..128");
        }
        hi &= maskHi(bits);
        lo &= maskLo(bits);
    }

    /** Parses {@code 10.1.0.0/16}, {@code 2001:db8::/32} or a single address (a host prefix). */
    public static Prefix parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        long[] a = IpAddress.parse(slash < 0 ? t : t.substring(0, slash));
        boolean v4 = IpAddress.isV4(a[0], a[1]) && !t.startsWith(":");
        int max = v4 ? 32 : 128;
        int length = max;
        if (slash >= 0) {
            try {
                length = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in '" + text + "'");
            }
            if (length < 0 || length > max) {
                throw new IllegalArgumentException("prefix length in '" + text + "' must be 0.." + max);
            }
        }
        return new Prefix(a[0], a[1], v4 ? V4_OFFSET + length : length);
    }

    public boolean contains(long addrHi, long addrLo) {
        return (addrHi & maskHi(bits)) == hi && (addrLo & maskLo(bits)) == lo;
    }

    static long maskHi(int bits) {
        return bits >= 64 ? -1L : bits == 0 ? 0L : -1L << (64 - bits);
    }

    static long maskLo(int bits) {
        return bits <= 64 ? 0L : bits == 128 ? -1L : -1L << (128 - bits);
    }

    @Override
    public String toString() {
        if (IpAddress.isV4(hi, lo) && bits >= V4_OFFSET) {
            return IpAddress.format(hi, lo) + "/" + (bits - V4_OFFSET);
        }
        return IpAddress.format(hi, lo) + "/" + bits;
    }
}
