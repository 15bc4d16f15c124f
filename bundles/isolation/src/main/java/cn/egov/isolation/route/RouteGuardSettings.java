package cn.egov.isolation.route;

import cn.egov.rules.policy.IsolationPolicy;
import cn.egov.rules.policy.Prefix;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * How the route guard tags, places and checks its routing rules.
 *
 * @param priority       priority of the first guard rule ({@code lookup main} with suppression, isolated
 *                       side); the isolated side's {@code unreachable} rule takes {@code priority + 1}, the
 *                       Internet side's two rules {@code priority + 2} and {@code + 3}. Must come after
 *                       strongSwan's rule (220, {@code charon.routing_table_prio}) and before main (32766)
 * @param protocol       the {@code protocol} field that marks the guard's rules as ours (ip rule
 *                       {@code protocol}; 0-4 belong to the kernel)
 * @param interfaceGroup the interface group given to Internet-facing interfaces, whose routes the
 *                       guard rule suppresses ({@code suppress_ifgroup}); 0 is every interface's default
 * @param isolatedGroup  the interface group given to the isolated zones' interfaces, whose routes the
 *                       Internet side's rule suppresses
 * @param isolatedZones  zones that must have no route to the Internet (the internal network)
 * @param internetZones  zones that lead to the Internet
 * @param probes         destinations outside every government prefix; the kernel is asked how it
 *                       would route them from each isolated interface (no packet is sent)
 */
public record RouteGuardSettings(int priority, int protocol, int interfaceGroup, int isolatedGroup, List<String> isolatedZones,
                                 List<String> internetZones, List<String> probes) {

    /** strongSwan installs its rule for table 220 at priority 220 by default. */
    public static final int STRONGSWAN_RULE_PRIORITY = 220;
    /** The kernel's rule for the main table. */
    public static final int MAIN_RULE_PRIORITY = 32766;
    /** ip rule protocols 0-4 are the kernel's own (unspec, redirect, kernel, boot, static). */
    public static final int FIRST_FREE_PROTOCOL = 5;
    public static final int MAX_PROTOCOL = 255;

    /** Defaults, shared by the box's Metatype configuration and the {@code appliance policy} command. */
    public static final int DEFAULT_PRIORITY = 30000;
    /** Unassigned in iproute2's rt_protos. */
    public static final int DEFAULT_PROTOCOL = 201;
    public static final int DEFAULT_INTERFACE_GROUP = 201;
    public static final int DEFAULT_ISOLATED_GROUP = 202;
    /** Rules the guard places, at {@code priority} to {@code priority + RULES - 1}. */
    public static final int RULES = 4;
    public static final String DEFAULT_ISOLATED_ZONE = "internal";
    public static final String DEFAULT_INTERNET_ZONE = "internet-access";
    /** Public resolvers (114DNS, AliDNS, AliDNS IPv6, CNNIC SDNS IPv6): in 0.0.0.0/1, 128.0.0.0/1 and IPv6; only ever looked up, never contacted. */
    public static final String PROBE_1 = "114.114.114.114";
    public static final String PROBE_2 = "223.5.5.5";
    public static final String PROBE_3 = "2400:3200::1";
    public static final String PROBE_4 = "240c::6666";

    /** The defaults with other probes. */
    public static RouteGuardSettings defaults(List<String> probes) {
        return new RouteGuardSettings(DEFAULT_PRIORITY, DEFAULT_PROTOCOL, DEFAULT_INTERFACE_GROUP, DEFAULT_ISOLATED_GROUP,
                List.of(DEFAULT_ISOLATED_ZONE),
                List.of(DEFAULT_INTERNET_ZONE), probes);
    }

    /** The default probes. */
    public static List<String> defaultProbes() {
        return List.of(PROBE_1, PROBE_2, PROBE_3, PROBE_4);
    }

    public RouteGuardSettings {
        isolatedZones = List.copyOf(isolatedZones);
        internetZones = List.copyOf(internetZones);
        probes = List.copyOf(probes);
        if (priority <= STRONGSWAN_RULE_PRIORITY || priority + RULES - 1 >= MAIN_RULE_PRIORITY) {
            throw new IllegalArgumentException("route guard priority " + priority + " must lie between "
                    + (STRONGSWAN_RULE_PRIORITY + 1) + " and " + (MAIN_RULE_PRIORITY - RULES)
                    + " (after strongSwan's rule, before the main table's)");
        }
        if (protocol < FIRST_FREE_PROTOCOL || protocol > MAX_PROTOCOL) {
            throw new IllegalArgumentException("route guard protocol " + protocol + " must lie between "
                    + FIRST_FREE_PROTOCOL + " and " + MAX_PROTOCOL);
        }
        if (interfaceGroup <= 0) {
            throw new IllegalArgumentException("route guard interface group " + interfaceGroup
                    + " must be positive (0 is every interface's default group)");
        }
        if (isolatedGroup <= 0 || isolatedGroup == interfaceGroup) {
            throw new IllegalArgumentException("route guard isolated interface group " + isolatedGroup
                    + " must be positive and differ from the Internet interfaces' group " + interfaceGroup);
        }
        for (String p : probes) {
            Prefix parsed = Prefix.parse(p);
            if (parsed.length() != (parsed.v6() ? 128 : 32)) {
                throw new IllegalArgumentException("route probe '" + p + "' must be one address, not a prefix");
            }
        }
    }

    /** Settings from the enforcement component's configuration. */
    public static RouteGuardSettings of(cn.egov.isolation.enforce.PolicyEnforcementConfig c) {
        return new RouteGuardSettings(c.route_guard_priority(), c.route_guard_protocol(), c.route_guard_interface_group(),
                c.route_guard_isolated_interface_group(),
                List.of(c.route_guard_isolated_zones()), List.of(c.route_guard_internet_zones()),
                List.of(c.route_probe_destinations()));
    }

    /** The interfaces of the isolated and the Internet zones in {@code policy}. */
    public GuardedInterfaces interfacesIn(IsolationPolicy policy) {
        return new GuardedInterfaces(interfacesOf(policy, isolatedZones), interfacesOf(policy, internetZones));
    }

    private static List<String> interfacesOf(IsolationPolicy policy, List<String> zones) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String z : zones) {
            out.addAll(policy.interfacesOf(z));
        }
        return new ArrayList<>(out);
    }

    /**
     * The interfaces the guard works on.
     *
     * @param isolated interfaces that must have no route to the Internet
     * @param internet interfaces that lead to the Internet
     */
    public record GuardedInterfaces(List<String> isolated, List<String> internet) {
        public GuardedInterfaces {
            isolated = List.copyOf(isolated);
            internet = List.copyOf(internet);
        }
    }
}
