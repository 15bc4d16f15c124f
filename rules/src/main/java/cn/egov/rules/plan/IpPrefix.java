package cn.egov.rules.plan;

/**
 * An IPv4 or IPv6 prefix in CIDR form, held as a 128-bit number ({@code hi}, {@code lo}) so that
 * both families compare and nest with plain long arithmetic. An address is a prefix of full
 * length (/32 or /128).
 *
 * <pre>{@code
 * IpPrefix p = IpPrefix.parse("10.6.0.0/16");
 * p.contains(IpPrefix.parse("10.6.2.0/24")); // true
 * IpPrefix.parse("2001:db8::1").length();    // 128
 * }</pre>
 *
 * @param v6     true for IPv6
 * @param hi     upper 64 bits of the network address (always 0 for IPv4)
 * @param lo     lower 64 bits of the network address (the 32-bit value for IPv4)
 * @param length prefix length
 */
public record IpPrefix(boolean v6, long hi, long lo, int length) implements Comparable<IpPrefix> {

    public IpPrefix {
        if (length < 0 || length > (v6 ? 128 : 32)) {
            throw new IllegalArgumentException("prefix length " + length + " out of range");
        }
    }

    /**
     * Written out: the record's own equals is bootstrapped through {@code java.lang.runtime.ObjectMethods}
     * at its first call, which spun ~20 method-handle classes while a fresh JVM loaded the plan
     * (bench/RESULTS.md, "start-up", run 9). The same result as the record's.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof IpPrefix p && v6 == p.v6 && hi == p.hi && lo == p.lo && length == p.length;
    }

    /** The record's own formula (31 * h + each component's hash, in order), so hashed orders stay the same. */
    @Override
    public int hashCode() {
        int h = Boolean.hashCode(v6);
        h = 31 * h + Long.hashCode(hi);
        h = 31 * h + Long.hashCode(lo);
        return 31 * h + length;
    }

    /** Parses {@code a.b.c.d[/n]} or an IPv6 address {@code x:x::x[/n]}; host bits must be zero. */
    public static IpPrefix parse(String text) {
        IpPrefix p = parseLenient(text);
        IpPrefix network = p.network();
        if (!network.equals(p)) {
            throw new IllegalArgumentException("'" + text + "' has host bits set; the network is " + network);
        }
        return p;
    }

    /** Parses like {@link #parse} but keeps host bits (an interface address such as 10.6.2.1/24). */
    public static IpPrefix parseLenient(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("address is empty");
        }
        String t = text.strip();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        boolean v6 = addr.indexOf(':') >= 0;
        int len = v6 ? 128 : 32;
        if (slash >= 0) {
            String l = t.substring(slash + 1);
            if (l.isEmpty() || l.length() > 3 || !digits(l)) {
                throw new IllegalArgumentException("bad prefix length in '" + text + "'");
            }
            len = Integer.parseInt(l);
            if (len > (v6 ? 128 : 32)) {
                throw new IllegalArgumentException("prefix length /" + len + " too long in '" + text + "'");
            }
        }
        if (v6) {
            long[] hl = parseV6(addr, text);
            return new IpPrefix(true, hl[0], hl[1], len);
        }
        return new IpPrefix(false, 0, parseV4(addr, text), len);
    }

    /** A loop, not a stream: this runs once per prefix of a plan, often in a command's cold code (bench/RESULTS.md "Start-up"). */
    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Parses one address (no length). */
    public static IpPrefix address(String text) {
        if (text.indexOf('/') >= 0) {
            throw new IllegalArgumentException("expected an address without /length, got '" + text + "'");
        }
        return parseLenient(text);
    }

    private static long parseV4(String s, String whole) {
        long v = 0;
        int parts = 0;
        int i = 0;
        int n = s.length();
        while (i <= n) {
            int start = i;
            int octet = 0;
            while (i < n && s.charAt(i) != '.') {
                char c = s.charAt(i);
                if (c < '0' || c > '9' || i - start >= 3) {
                    throw new IllegalArgumentException("'" + whole + "' is not an IPv4 address");
                }
                octet = octet * 10 + (c - '0');
                i++;
            }
            if (i == start || octet > 255) {
                throw new IllegalArgumentException("'" + whole + "' is not an IPv4 address");
            }
            v = (v << 8) | octet;
            parts++;
            i++;
        }
        if (parts != 4) {
            throw new IllegalArgumentException("'" + whole + "' is not an IPv4 address");
        }
        return v;
    }

    private static long[] parseV6(String s, String whole) {
        int zone = s.indexOf('%');
        if (zone >= 0) {
            s = s.substring(0, zone);
        }
        int[] groups = new int[8];
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            throw new IllegalArgumentException("'" + whole + "' has '::' twice");
        }
        String head = dbl >= 0 ? s.substring(0, dbl) : s;
        String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
        int[] h = groups(head, whole);
        int[] t = groups(tail, whole);
        if (dbl < 0 && h.length != 8 || dbl >= 0 && h.length + t.length > 7) {
            throw new IllegalArgumentException("'" + whole + "' is not an IPv6 address");
        }
        System.arraycopy(h, 0, groups, 0, h.length);
        System.arraycopy(t, 0, groups, 8 - t.length, t.length);
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 4; i++) {
            hi = (hi << 16) | groups[i];
            lo = (lo << 16) | groups[i + 4];
        }
        return new long[] {hi, lo};
    }

    private static int[] groups(String part, String whole) {
        if (part.isEmpty()) {
            return new int[0];
        }
        String[] g = part.split(":", -1);
        int extra = 0;
        // an embedded IPv4 tail (::ffff:10.0.0.1) stands for two groups
        if (g[g.length - 1].indexOf('.') >= 0) {
            extra = 1;
        }
        int[] out = new int[g.length + extra];
        for (int i = 0; i < g.length; i++) {
            if (i == g.length - 1 && extra == 1) {
                long v4 = parseV4(g[i], whole);
                out[i] = (int) (v4 >>> 16);
                out[i + 1] = (int) (v4 & 0xffff);
                break;
            }
            if (g[i].isEmpty() || g[i].length() > 4) {
                throw new IllegalArgumentException("'" + whole + "' is not an IPv6 address");
            }
            try {
                out[i] = Integer.parseInt(g[i], 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + whole + "' is not an IPv6 address");
            }
        }
        return out;
    }

    /** Bits in the family: 32 or 128. */
    public int bits() {
        return v6 ? 128 : 32;
    }

    /** The same prefix with host bits cleared. */
    public IpPrefix network() {
        return new IpPrefix(v6, hi & maskHi(), lo & maskLo(), length);
    }

    /** The highest address inside, upper 64 bits. */
    public long endHi() {
        return hi | ~maskHi() & (v6 ? -1L : 0L);
    }

    /** The highest address inside, lower 64 bits. */
    public long endLo() {
        return lo | ~maskLo() & (v6 ? -1L : 0xffffffffL);
    }

    private long maskHi() {
        if (!v6) {
            return 0;
        }
        return length >= 64 ? -1L : length == 0 ? 0 : -1L << (64 - length);
    }

    private long maskLo() {
        if (!v6) {
            return length == 0 ? 0 : (0xffffffffL << (32 - length)) & 0xffffffffL;
        }
        return length <= 64 ? 0 : -1L << (128 - length);
    }

    /** True when {@code other} (address or prefix, same family) lies wholly inside this prefix. */
    public boolean contains(IpPrefix other) {
        if (other.v6 != v6 || other.length < length) {
            return false;
        }
        return (other.hi & maskHi()) == hi && (other.lo & maskLo()) == lo;
    }

    /** True when the two share any address (for CIDR prefixes: one contains the other). */
    public boolean overlaps(IpPrefix other) {
        return contains(other) || other.contains(this);
    }

    /** Number of addresses, saturated at {@link Long#MAX_VALUE} for very large IPv6 prefixes. */
    public long size() {
        int hostBits = bits() - length;
        return hostBits >= 63 ? Long.MAX_VALUE : 1L << hostBits;
    }

    /** The address at {@code offset} from the network address (offset below {@link #size()}). */
    public IpPrefix addressAt(long offset) {
        long nlo = lo + offset;
        long nhi = hi + (Long.compareUnsigned(nlo, lo) < 0 ? 1 : 0);
        return new IpPrefix(v6, nhi, v6 ? nlo : nlo & 0xffffffffL, bits());
    }

    /** Offset of an address inside this prefix's host part (low 63 bits at most). */
    public long offsetOf(IpPrefix address) {
        int hostBits = Math.min(63, bits() - length);
        return hostBits == 0 ? 0 : address.lo & ((1L << hostBits) - 1);
    }

    /** The address part alone, as a full-length prefix. */
    public IpPrefix asAddress() {
        return new IpPrefix(v6, hi, lo, bits());
    }

    @Override
    public int compareTo(IpPrefix o) {
        if (v6 != o.v6) {
            return v6 ? 1 : -1;
        }
        int c = Long.compareUnsigned(hi, o.hi);
        if (c == 0) {
            c = Long.compareUnsigned(lo, o.lo);
        }
        return c != 0 ? c : Integer.compare(length, o.length);
    }

    /** The address without the length, e.g. {@code 10.6.2.1} or {@code 2001:db8::1}. */
    public String addressText() {
        if (!v6) {
            return ((lo >>> 24) & 255) + "." + ((lo >>> 16) & 255) + "." + ((lo >>> 8) & 255) + "." + (lo & 255);
        }
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) ((hi >>> (48 - 16 * i)) & 0xffff);
            g[i + 4] = (int) ((lo >>> (48 - 16 * i)) & 0xffff);
        }
        // RFC 5952: compress the longest run (length >= 2) of zero groups
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    /** {@code address/length}; a full-length prefix prints as the bare address. */
    @Override
    public String toString() {
        return length == bits() ? addressText() : addressText() + "/" + length;
    }
}
