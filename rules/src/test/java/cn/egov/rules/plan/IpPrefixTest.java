package cn.egov.rules.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IpPrefixTest {

    @Test
    void parsesAndPrintsBothFamilies() {
        assertEquals("10.6.8.0/21", IpPrefix.parse("10.6.8.0/21").toString());
        assertEquals("2001:db8:601:100::/56", IpPrefix.parse("2001:db8:0601:0100::/56").toString());
        assertEquals("::ffff:a00:1", IpPrefix.address("::ffff:10.0.0.1").toString());
        assertEquals("fe80::1", IpPrefix.address("fe80::1%eth0").toString());
        assertEquals("2001:db8::1:0:0:1", IpPrefix.address("2001:db8:0:0:1:0:0:1").toString());
        assertEquals("10.6.8.9", IpPrefix.parseLenient("10.6.8.9/25").addressText());
        assertEquals("10.6.8.0/25", IpPrefix.parseLenient("10.6.8.9/25").network().toString());
    }

    @Test
    void containment() {
        IpPrefix p = IpPrefix.parse("10.6.8.0/21");
        assertTrue(p.contains(IpPrefix.address("10.6.15.255")));
        assertFalse(p.contains(IpPrefix.address("10.6.16.0")));
        assertFalse(p.contains(IpPrefix.parse("10.6.0.0/16")));
        assertTrue(IpPrefix.parse("0.0.0.0/0").contains(p));
        IpPrefix v6 = IpPrefix.parse("2001:db8::/33");
        assertTrue(v6.contains(IpPrefix.address("2001:db8:7fff:ffff::1")));
        assertFalse(v6.contains(IpPrefix.address("2001:db8:8000::")));
        assertFalse(v6.contains(IpPrefix.address("10.0.0.1")));
        assertEquals(2048, p.size());
        assertEquals("10.6.8.20", p.addressAt(20).toString());
        assertEquals(20, IpPrefix.parse("10.9.9.0/24").offsetOf(IpPrefix.address("10.9.9.20")));
    }

    @Test
    void rejectsBadInputWithTheText() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("10.6.8.1/21")).getMessage().contains("host bits"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("10.256.0.0/16")).getMessage().contains("10.256.0.0/16"));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("1:2::3::4/64"));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("10.0.0/8"));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.address("10.0.0.1/8"));
    }

    /** A record with IpPrefix's components and the generated equals and hashCode. */
    private record Generated(boolean v6, long hi, long lo, int length) {
    }

    @Test
    void equalsAndHashCodeAreTheRecordsOwn() {
        java.util.Random random = new java.util.Random(7);
        IpPrefix previous = IpPrefix.parse("0.0.0.0/0");
        for (int i = 0; i < 2000; i++) {
            IpPrefix p = i % 2 == 0
                    ? new IpPrefix(false, 0, random.nextLong() & 0xffffffffL, 32)
                    : new IpPrefix(true, random.nextLong(), random.nextLong(), 128);
            IpPrefix same = new IpPrefix(p.v6(), p.hi(), p.lo(), p.length());
            assertEquals(new Generated(p.v6(), p.hi(), p.lo(), p.length()).hashCode(), p.hashCode());
            assertEquals(p, same);
            assertEquals(same, p);
            assertFalse(p.equals(previous));
            assertFalse(p.equals(new IpPrefix(p.v6(), p.hi(), p.lo() ^ 1, p.length())));
            assertFalse(p.equals(null));
            previous = p;
        }
        assertFalse(IpPrefix.parse("10.0.0.0/8").equals(IpPrefix.parse("10.0.0.0/9")));
        assertFalse(IpPrefix.parse("::/0").equals(IpPrefix.parse("0.0.0.0/0")));
    }
}
