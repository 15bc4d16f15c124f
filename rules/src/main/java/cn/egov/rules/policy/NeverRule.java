package cn.egov.rules.policy;

/**
 * A prohibition that no flow may contradict: traffic from {@code from} to {@code to} (and back,
 * when {@code bothWays}) is dropped before anything else is looked at, also for established
 * connections. With {@code unlessTunnel} only traffic outside the tunnel into one of the zones is
 * dropped ("internal to backbone only through the tunnel"). {@code from} may be
 * {@link Zone#BOX} (one direction only): the box's own traffic, dropped in the output hook after
 * connection tracking, so that the box's ICMP errors about forwarded traffic still leave.
 *
 * @param name         policy name
 * @param from         one zone
 * @param to           the other zone
 * @param bothWays     written as {@code between A B}
 * @param unlessTunnel written with {@code unless tunnel}
 * @param reason       why (the baseline's wording)
 * @param origin       where it is defined
 */
public record NeverRule(String name, String from, String to, boolean bothWays, boolean unlessTunnel,
                        String reason, Origin origin) {

    /** True when this rule forbids (some) traffic from zone {@code a} to zone {@code b}. */
    public boolean concerns(String a, String b) {
        return (from.equals(a) && to.equals(b)) || (bothWays && from.equals(b) && to.equals(a));
    }
}
