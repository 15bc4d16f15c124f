package cn.egov.vpn.swanctl;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * A traffic selector: the subnet a tunnel carries, in CIDR form ({@code 10.13.6.0/24},
 * {@code 2001:db8:1::/48}). Host bits must be zero, so a typo is not silently widened.
 *
 * @param address network address, normalised
 * @param prefix  prefix length
 */
public record TrafficSelector(InetAddress address, int prefix) {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]+");

    public TrafficSelector {
        int max = address.getAddress().length * 8;
        if (prefix < 0 || prefix > max) {
            throw new IllegalArgumentException("prefix /" + prefix + " is out of range 0.." + max);
        }
    }

    /**
     * Parses CIDR text; {@code field} names where it came from (e.g. {@code local_subnets[1]}) so
     * that the error points at the input.
     */
    public static TrafficSelector parse(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(field + ": subnet is empty; expected CIDR such as 10.13.6.0/24");
        }
        String t = text.trim();
        int slash = t.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException(field + ": '" + t + "' lacks a prefix length; expected CIDR such as 10.13.6.0/24");
        }
        String addr = t.substring(0, slash);
        boolean v4 = IPV4.matcher(addr).matches();
        if (!v4 && !(addr.contains(":") && IPV6.matcher(addr).matches())) {
            throw new IllegalArgumentException(field + ": '" + addr + "' is not an IPv4 or IPv6 address");
        }
        int prefix;
        try {
            prefix = Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": prefix length in '" + t + "' is not a number");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(addr); // a literal: no name lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(field + ": '" + addr + "' is not a valid address");
        }
        if (v4 && address.getAddress().length != 4) {
            throw new IllegalArgumentException(field + ": '" + addr + "' is not a valid IPv4 address");
        }
        int bits = address.getAddress().length * 8;
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException(field + ": prefix /" + prefix + " is out of range 0.." + bits);
        }
        BigInteger value = new BigInteger(1, address.getAddress());
        BigInteger hostBits = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
        if (!value.and(hostBits).equals(BigInteger.ZERO)) {
            throw new IllegalArgumentException(field + ": '" + t + "' has host bits set; did you mean "
                    + network(value.andNot(hostBits), bits) + "/" + prefix + "?");
        }
        return new TrafficSelector(address, prefix);
    }

    private static String network(BigInteger value, int bits) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[bits / 8];
        int copy = Math.min(raw.length, out.length);
        System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
        try {
            return InetAddress.getByAddress(out).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean ipv6() {
        return address.getAddress().length == 16;
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefix;
    }
}
