package cn.egov.rules.policy;

import java.util.List;

/**
 * One network interface of the box and the zone(s) it serves. An interface shared by several
 * zones (the tunnel carries both {@code backbone} and {@code management}) must be told apart by
 * the zones' prefixes.
 *
 * @param name        kernel interface name, e.g. {@code eth1}, {@code ipsec0}
 * @param zones       names of the zones on this interface
 * @param description free text
 * @param origin      where it is defined
 */
public record BoxInterface(String name, List<String> zones, String description, Origin origin) {
    public BoxInterface {
        zones = List.copyOf(zones);
    }
}
