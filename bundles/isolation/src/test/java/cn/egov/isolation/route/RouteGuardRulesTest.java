package cn.egov.isolation.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.json.JsonValues;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plain parts of the route guard: settings checks, rule text and parsing, the LAN source address. */
class RouteGuardRulesTest {

    static final RouteGuardSettings S = RouteGuardSettings.defaults(RouteGuardSettings.defaultProbes());

    @Test
    void settingsRefuseWhatWouldBreakTheTunnelOrTheKernelsRules() {
        IllegalArgumentException before220 = assertThrows(IllegalArgumentException.class, () ->
                new RouteGuardSettings(200, 201, 201, 202, List.of("internal"), List.of(), List.of()));
        assertTrue(before220.getMessage().contains("after strongSwan's rule"), before220.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RouteGuardSettings(32763, 201, 201, 202, List.of(), List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new RouteGuardSettings(30000, 2, 201, 202, List.of(), List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new RouteGuardSettings(30000, 201, 0, 202, List.of(), List.of(), List.of()));
        IllegalArgumentException sameGroup = assertThrows(IllegalArgumentException.class, () ->
                new RouteGuardSettings(30000, 201, 201, 201, List.of(), List.of(), List.of()));
        assertTrue(sameGroup.getMessage().contains("must be positive and differ"), sameGroup.getMessage());
        new RouteGuardSettings(32762, 201, 201, 202, List.of(), List.of(), List.of()); // the guard's four rules end at 32765
        IllegalArgumentException prefix = assertThrows(IllegalArgumentException.class, () ->
                new RouteGuardSettings(30000, 201, 201, 202, List.of(), List.of(), List.of("8.8.8.0/24")));
        assertTrue(prefix.getMessage().contains("one address"), prefix.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RouteGuardSettings(30000, 201, 201, 202, List.of(), List.of(), List.of("dns.google")));
    }

    @Test
    void rulesRenderAndParseBackInBothOutputForms() {
        List<GuardRule> rules = GuardRule.forInterface(false, "eth1", S);
        assertEquals("rule add priority 30000 iif eth1 lookup main suppress_prefixlength 0 suppress_ifgroup 201 protocol 201",
                rules.get(0).addCommand(201));
        assertEquals("rule add priority 30001 iif eth1 unreachable protocol 201", rules.get(1).addCommand(201));
        // ip -N -j (numbers) and ip -j (names)
        assertEquals(rules.get(0), GuardRule.parse(false, json("{\"priority\":30000,\"src\":\"all\",\"iif\":\"eth1\",\"table\":\"254\","
                + "\"suppress_prefixlen\":0,\"suppress_ifgroup\":\"201\",\"protocol\":\"201\"}")));
        assertEquals(rules.get(0), GuardRule.parse(false, json("{\"priority\":30000,\"src\":\"all\",\"iif\":\"eth1\",\"table\":\"main\","
                + "\"suppress_prefixlen\":0,\"suppress_ifgroup\":\"201\",\"protocol\":\"201\"}")));
        assertEquals(rules.get(1), GuardRule.parse(false, json("{\"priority\":30001,\"src\":\"all\",\"iif\":\"eth1\",\"action\":\"7\",\"protocol\":\"201\"}")));
        assertEquals(rules.get(1), GuardRule.parse(false, json("{\"priority\":30001,\"src\":\"all\",\"iif\":\"eth1\",\"action\":\"unreachable\"}")));
        // a rule of ours changed by hand (narrowed to one destination) is not the guard's rule: it is replaced
        assertNull(GuardRule.parse(false, json("{\"priority\":30000,\"src\":\"all\",\"dst\":\"10.0.0.0/8\",\"iif\":\"eth1\",\"table\":\"254\","
                + "\"suppress_prefixlen\":0,\"suppress_ifgroup\":\"201\",\"protocol\":\"201\"}")));
        assertNull(GuardRule.parse(false, json("{\"priority\":30000,\"src\":\"all\",\"table\":\"254\",\"protocol\":\"201\"}")));
        // the Internet side: no suppression of default routes, the isolated interfaces' group suppressed
        List<GuardRule> inbound = GuardRule.forInternetInterface(false, "eth3", S);
        assertEquals("rule add priority 30002 iif eth3 lookup main suppress_ifgroup 202 protocol 201", inbound.get(0).addCommand(201));
        assertEquals("rule add priority 30003 iif eth3 unreachable protocol 201", inbound.get(1).addCommand(201));
        assertEquals(inbound.get(0), GuardRule.parse(false, json("{\"priority\":30002,\"src\":\"all\",\"iif\":\"eth3\",\"table\":\"254\","
                + "\"suppress_ifgroup\":\"202\",\"protocol\":\"201\"}")));
        assertEquals(inbound.get(1), GuardRule.parse(false, json("{\"priority\":30003,\"src\":\"all\",\"iif\":\"eth3\",\"action\":\"7\",\"protocol\":\"201\"}")));
        assertEquals("rule del priority 30000 iif eth9 protocol 201",
                GuardRule.deleteUnknown(json("{\"priority\":30000,\"iif\":\"eth9\",\"action\":\"7\"}"), 201));
    }

    @Test
    void theProbeSourceIsAnotherHostOfTheLan() {
        assertEquals("10.1.0.2", RouteProbe.lanHost(List.of(addr("inet", "10.1.0.1", 24)), false));
        assertEquals("10.1.0.253", RouteProbe.lanHost(List.of(addr("inet", "10.1.0.254", 24)), false), "not the broadcast address");
        assertEquals("10.1.0.0", RouteProbe.lanHost(List.of(addr("inet", "10.1.0.1", 31)), false), "a /31 has no broadcast");
        assertNull(RouteProbe.lanHost(List.of(addr("inet", "10.1.0.1", 32)), false), "nobody else on a /32");
        assertEquals("2001:db8:1::2", RouteProbe.lanHost(List.of(addr("inet6", "2001:db8:1::1", 64)), true));
        assertNull(RouteProbe.lanHost(List.of(addr("inet", "10.1.0.1", 24)), true), "no IPv6 address, no IPv6 probe");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(String text) {
        return (Map<String, Object>) JsonValues.parse(text);
    }

    static Map<String, Object> addr(String family, String local, int len) {
        return json("{\"family\":\"" + family + "\",\"local\":\"" + local + "\",\"prefixlen\":" + len + ",\"scope\":\"global\"}");
    }
}
