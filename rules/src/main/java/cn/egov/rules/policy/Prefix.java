package cn.egov.rules.policy;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 prefix in CIDR form ({@code 10.1.0.0/16}, {@code 2001:db8::/32}); a bare
 * address is a host prefix. Host bits must be zero, so that a prefix reads the same way in the
 * policy, in the model and in nftables.
 *
 * @param v6      true for IPv6
 * @param network the network address as an unsigned number
 * @param length  prefix length
 */
public record Prefix(boolean v6, BigInteger network, int length) {

    /** Parses CIDR text; throws {@link IllegalArgumentException} with a message an operator understands. */
    public static Prefix parse(String text) {
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        long v4 = canonicalIpv4(addr);
        if (v4 >= 0) {
            Prefix p = ipv4(v4, text, slash);
            if (p != null) {
                return p;
            }
        }
        if (addr.isEmpty() || !(addr.contains(".") || addr.contains(":")) || !addr.matches("[0-9A-Fa-f.:]+")) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 prefix");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 prefix");
        }
        if (addr.contains(".") && !addr.contains(":") && addr.split("\\.", -1).length != 4) {
            throw new IllegalArgumentException("'" + text + "' is not a dotted-quad IPv4 address");
        }
        int bits = bytes.length * 8;
        int len;
        try {
            len = slash < 0 ? bits : Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no valid prefix length");
        }
        if (len < 0 || len > bits) {
            throw new IllegalArgumentException("'" + text + "': prefix length must be 0.." + bits);
        }
        BigInteger value = new BigInteger(1, bytes);
        if (!value.and(hostMask(bits, len)).equals(BigInteger.ZERO)) {
            throw new IllegalArgumentException("'" + text + "' has host bits set (did you mean "
                    + new Prefix(bits == 128, value.andNot(hostMask(bits, len)), len) + "?)");
        }
        return new Prefix(bits == 128, value, len);
    }

    /**
     * The common case without a regular expression, {@link InetAddress} or {@link BigInteger}
     * arithmetic: a policy of 10,000 prefixes spent most of its parsing there in cold code
     * ({@code policy apply}'s start-up, bench/RESULTS.md). Only a plain dotted quad with a plain
     * length that is valid; anything else (errors included) takes the general path, so the
     * result and every message are the same.
     */
    private static Prefix ipv4(long value, String text, int slash) {
        int len = 32;
        if (slash >= 0) {
            int end = text.length();
            if (end - slash < 2 || end - slash > 3) {
                return null;
            }
            len = 0;
            for (int i = slash + 1; i < end; i++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    return null;
                }
                len = len * 10 + (c - '0');
            }
            if (len > 32 || (text.charAt(slash + 1) == '0' && end - slash > 2)) {
                return null;
            }
        }
        long host = (1L << (32 - len)) - 1;
        return (value & host) != 0 ? null : new Prefix(false, BigInteger.valueOf(value), len);
    }

    /** A dotted quad of decimal numbers 0..255 without leading zeros, as a number; -1 for anything else. */
    private static long canonicalIpv4(String addr) {
        long value = 0;
        int parts = 0;
        int i = 0;
        int n = addr.length();
        while (i < n && parts < 4) {
            int start = i;
            int octet = 0;
            while (i < n && i - start < 4 && addr.charAt(i) >= '0' && addr.charAt(i) <= '9') {
                octet = octet * 10 + (addr.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || octet > 255 || (digits > 1 && addr.charAt(start) == '0')) {
                return -1;
            }
            value = value << 8 | octet;
            parts++;
            if (parts < 4) {
                if (i >= n || addr.charAt(i) != '.') {
                    return -1;
                }
                i++;
            }
        }
        return parts == 4 && i == n ? value : -1;
    }

    private static BigInteger hostMask(int bits, int len) {
        return BigInteger.ONE.shiftLeft(bits - len).subtract(BigInteger.ONE);
    }

    private int bits() {
        return v6 ? 128 : 32;
    }

    /** True when every address of {@code other} is inside this prefix. */
    public boolean contains(Prefix other) {
        return v6 == other.v6 && other.length >= length
                && other.network.shiftRight(bits() - length).equals(network.shiftRight(bits() - length));
    }

    /** True when the two prefixes share at least one address. */
    public boolean overlaps(Prefix other) {
        return contains(other) || other.contains(this);
    }

    /** True when {@code address} (4 or 16 bytes) is inside this prefix. */
    public boolean contains(InetAddress address) {
        byte[] b = address.getAddress();
        return (b.length == 16) == v6 && contains(new Prefix(v6, new BigInteger(1, b), bits()));
    }

    /** The network address alone, in the usual text form. */
    public String address() {
        if (!v6) {
            // as InetAddress prints it, without building one (the compiler prints 10,000 of them)
            long v = network.longValue();
            return (v >>> 24 & 255) + "." + (v >>> 16 & 255) + "." + (v >>> 8 & 255) + "." + (v & 255);
        }
        byte[] raw = network.toByteArray();
        byte[] fixed = new byte[bits() / 8];
        int copy = Math.min(raw.length, fixed.length);
        System.arraycopy(raw, raw.length - copy, fixed, fixed.length - copy, copy);
        try {
            String s = InetAddress.getByAddress(fixed).getHostAddress();
            return v6 ? compressV6(s) : s;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String compressV6(String full) {
        // Java prints 2001:db8:0:0:0:0:0:0; nftables and people write 2001:db8::
        String best = null;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(^|:)(0(:0)+)(:|$)").matcher(full);
        int bestLen = 0;
        while (m.find()) {
            if (m.group(2).length() > bestLen) {
                bestLen = m.group(2).length();
                best = full.substring(0, m.start()) + "::" + full.substring(m.end());
            }
        }
        return best == null ? full : best;
    }

    @Override
    public String toString() {
        return address() + "/" + length;
    }
}
