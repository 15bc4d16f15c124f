package cn.egov.isolation.monitor;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/** Conversions between IP literals and the 128-bit (two longs) form the classifier uses. */
public final class IpAddress {
    /** IPv4 addresses are held as IPv4-mapped IPv6 addresses: {@code ::ffff:a.b.c.d}. */
    static final long V4_MAPPED_HI = 0L;
    static final long V4_MAPPED_LO_PREFIX = 0x0000_FFFF_0000_0000L;

    private IpAddress() {
    }

    public static boolean isV4(long hi, long lo) {
        return hi == V4_MAPPED_HI && (lo & 0xFFFF_FFFF_0000_0000L) == V4_MAPPED_LO_PREFIX;
    }

    /** Parses an IPv4 or IPv6 literal into {hi, lo}; never looks a name up. */
    public static long[] parse(String literal) {
        String s = literal.trim();
        if (s.isEmpty() || !(Character.digit(s.charAt(0), 16) >= 0 || s.charAt(0) == ':') || !s.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException("not an IP address: '" + literal + "'");
        }
        byte[] b;
        try {
            b = InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: '" + literal + "'");
        }
        if (b.length == 4) {
            return new long[] {V4_MAPPED_HI, V4_MAPPED_LO_PREFIX | (ByteBuffer.wrap(b).getInt() & 0xFFFF_FFFFL)};
        }
        ByteBuffer bb = ByteBuffer.wrap(b);
        return new long[] {bb.getLong(), bb.getLong()};
    }

    /** The usual text form: dotted quad for IPv4, RFC 5952 style for IPv6. */
    public static String format(long hi, long lo) {
        if (isV4(hi, lo)) {
            return ((lo >>> 24) & 0xFF) + "." + ((lo >>> 16) & 0xFF) + "." + ((lo >>> 8) & 0xFF) + "." + (lo & 0xFF);
        }
        try {
            String text = InetAddress.getByAddress(ByteBuffer.allocate(16).putLong(hi).putLong(lo).array()).getHostAddress();
            return compress(text);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 16 bytes are always an address
        }
    }

    /** Java prints {@code 2001:db8:0:0:0:0:0:1}; operators expect {@code 2001:db8::1}. */
    private static String compress(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; ) {
            if (groups[i].equals("0")) {
                int j = i;
                while (j < groups.length && groups[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLength) {
                    bestStart = i;
                    bestLength = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return full;
        }
        String left = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String right = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return left + "::" + right;
    }
}
