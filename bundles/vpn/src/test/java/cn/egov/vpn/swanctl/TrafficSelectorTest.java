package cn.egov.vpn.swanctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrafficSelectorTest {

    @Test
    void parsesIpv4AndIpv6() {
        assertEquals("10.13.6.0/24", TrafficSelector.parse("f", " 10.13.6.0/24 ").toString());
        TrafficSelector v6 = TrafficSelector.parse("f", "2001:db8:1::/48");
        assertTrue(v6.ipv6());
        assertEquals(48, v6.prefix());
    }

    @Test
    void errorsNameTheFieldAndSuggestTheFix() {
        assertEquals("local_subnets[1]: '10.13.6.1/24' has host bits set; did you mean 10.13.6.0/24?",
                assertThrows(IllegalArgumentException.class, () -> TrafficSelector.parse("local_subnets[1]", "10.13.6.1/24")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrafficSelector.parse("f", "10.13.6.0"))
                .getMessage().contains("lacks a prefix length"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrafficSelector.parse("f", "hub.example/24"))
                .getMessage().contains("not an IPv4 or IPv6 address"), "names are refused, never resolved");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrafficSelector.parse("f", "10.0.0.0/33"))
                .getMessage().contains("out of range"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrafficSelector.parse("f", "300.1.1.0/24"))
                .getMessage().startsWith("f:"));
    }
}
