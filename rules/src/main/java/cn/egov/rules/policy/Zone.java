package cn.egov.rules.policy;

import java.util.List;

/**
 * A security zone ({@code internal}, {@code external}, {@code backbone}, {@code internet-access},
 * {@code management}, ...). A packet belongs to a zone when it arrives on (leaves by) one of the
 * zone's interfaces and, if the zone lists prefixes, its source (destination) address is in one
 * of them. Interfaces are not listed here but on {@link BoxInterface}; ask
 * {@link IsolationPolicy#interfacesOf(String)}.
 *
 * @param name        policy name
 * @param description free text for people
 * @param prefixes    addresses that belong to the zone; empty = any address on its interfaces
 * @param origin      where it is defined
 */
public record Zone(String name, String description, List<Prefix> prefixes, Origin origin) {

    /** The pseudo-zone that stands for the box itself (traffic to the box: nftables input). */
    public static final String BOX = "box";

    public Zone {
        prefixes = List.copyOf(prefixes);
    }

    public List<Prefix> prefixes(boolean v6) {
        return prefixes.stream().filter(p -> p.v6() == v6).toList();
    }
}
