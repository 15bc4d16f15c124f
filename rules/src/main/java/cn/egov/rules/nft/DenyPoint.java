package cn.egov.rules.nft;

/**
 * A place where the ruleset drops traffic and records it: a {@code never} rule or the default
 * deny of a base chain. The dropped packet's interface, addresses, protocol and port land in a
 * bounded dynamic set per family ({@code setV4}, {@code setV6}), from which the box raises
 * denial alarms.
 *
 * @param chain  the chain that records and drops
 * @param setV4  dynamic set of IPv4 denials
 * @param setV6  dynamic set of IPv6 denials
 * @param rule   what denied: {@code never internal-internet} or {@code default deny (forward)}
 * @param origin file:line of the policy element, or {@code base} for a default deny
 * @param reason why (the never rule's reason)
 */
public record DenyPoint(String chain, String setV4, String setV6, String rule, String origin, String reason) {
}
