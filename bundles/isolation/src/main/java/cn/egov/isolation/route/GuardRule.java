package cn.egov.isolation.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One policy-routing rule of the guard, for one guarded interface and one address family. For an
 * interface of an isolated zone (the internal network), and for one that leads to the Internet:
 * <pre>
 *   priority P     iif eth1 lookup main suppress_prefixlength 0 suppress_ifgroup G protocol N
 *   priority P+1   iif eth1 unreachable protocol N
 *   priority P+2   iif eth3 lookup main suppress_ifgroup I protocol N
 *   priority P+3   iif eth3 unreachable protocol N
 * </pre>
 * The first lets the isolated interface's traffic use every route of the main table except
 * default routes and routes through the Internet-facing interfaces (group G); the second answers
 * everything else with "network unreachable". The third lets traffic that arrives from the
 * Internet use every route except those through the isolated interfaces (group I), so that, with
 * the firewall gone, an Internet host's packets still find no route to the internal network; the
 * fourth answers those with "network unreachable" (replies to the external network, and anything
 * else with a route in main, pass the third). strongSwan's table 220 (priority 220) comes before
 * all four, so the tunnel keeps working.
 *
 * @param v6              address family
 * @param priority        rule priority
 * @param iif             the guarded interface
 * @param unreachable     true for the unreachable rule, false for the suppressing lookup
 * @param interfaceGroup  suppressed interface group (lookup rule only; 0 otherwise)
 * @param suppressDefault the lookup also suppresses default routes ({@code suppress_prefixlength 0}; isolated side)
 */
public record GuardRule(boolean v6, int priority, String iif, boolean unreachable, int interfaceGroup, boolean suppressDefault) {

    /** The main table's number, as {@code ip -N} prints it ("main" without {@code -N}). */
    static final String MAIN_TABLE = "254";
    /** FR_ACT_UNREACHABLE of linux/fib_rules.h, as {@code ip -N} prints the action ("unreachable" without {@code -N}). */
    static final String ACTION_UNREACHABLE = "7";

    /** The two rules for an isolated interface {@code iif}: no default route, no route via the Internet's interfaces. */
    static List<GuardRule> forInterface(boolean v6, String iif, RouteGuardSettings s) {
        return List.of(new GuardRule(v6, s.priority(), iif, false, s.interfaceGroup(), true),
                new GuardRule(v6, s.priority() + 1, iif, true, 0, false));
    }

    /** The two rules for an Internet-facing interface {@code iif}: no route via the isolated interfaces. */
    static List<GuardRule> forInternetInterface(boolean v6, String iif, RouteGuardSettings s) {
        return List.of(new GuardRule(v6, s.priority() + 2, iif, false, s.isolatedGroup(), false),
                new GuardRule(v6, s.priority() + 3, iif, true, 0, false));
    }

    /** The {@code ip -batch} line that adds this rule, tagged with {@code protocol}. */
    String addCommand(int protocol) {
        return "rule add " + selector() + (unreachable ? " unreachable"
                : " lookup main" + (suppressDefault ? " suppress_prefixlength 0" : "") + " suppress_ifgroup " + interfaceGroup)
                + " protocol " + protocol;
    }

    /** The {@code ip -batch} line that deletes this rule. */
    String deleteCommand(int protocol) {
        return "rule del " + selector() + (unreachable ? " unreachable" : " lookup main") + " protocol " + protocol;
    }

    private String selector() {
        return "priority " + priority + " iif " + iif;
    }

    /**
     * Reads one rule of {@code ip -N -j rule list}; a rule tagged with our protocol but of another
     * shape (written by hand, or by an older version) comes back as null and is deleted by priority.
     */
    static GuardRule parse(boolean v6, Map<String, Object> json) {
        Object iif = json.get("iif");
        Object priority = json.get("priority");
        if (!(iif instanceof String name) || !(priority instanceof Number p)) {
            return null;
        }
        Object action = json.get("action");
        boolean unreach = "unreachable".equals(action) || ACTION_UNREACHABLE.equals(String.valueOf(action));
        if (unreach && json.get("table") == null && json.get("suppress_prefixlen") == null) {
            return new GuardRule(v6, p.intValue(), name, true, 0, false);
        }
        Object table = json.get("table");
        Object len = json.get("suppress_prefixlen");
        if (("main".equals(table) || MAIN_TABLE.equals(String.valueOf(table))) && action == null
                && (len == null || len instanceof Number n && n.intValue() == 0)
                && json.get("suppress_ifgroup") != null && json.keySet().stream().noneMatch(k -> k.equals("dst") || k.equals("fwmark"))) {
            try {
                return new GuardRule(v6, p.intValue(), name, false, Integer.parseInt(String.valueOf(json.get("suppress_ifgroup"))),
                        len != null);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** A delete command for a rule of ours that {@link #parse} did not recognise. */
    static String deleteUnknown(Map<String, Object> json, int protocol) {
        List<String> words = new ArrayList<>(List.of("rule", "del"));
        if (json.get("priority") instanceof Number p) {
            words.add("priority");
            words.add(Integer.toString(p.intValue()));
        }
        if (json.get("iif") instanceof String iif) {
            words.add("iif");
            words.add(iif);
        }
        words.add("protocol");
        words.add(Integer.toString(protocol));
        return String.join(" ", words);
    }
}
