package cn.egov.rules.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PrefixIndexTest {

    @Test
    void mostSpecificMatchesABruteForceScan() {
        Random rnd = new Random(42);
        List<IpPrefix> prefixes = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            int len = 1 + rnd.nextInt(28);
            // the whole IPv4 space: addresses above 128.0.0.0 must sort after those below
            long addr = rnd.nextInt() & 0xfffffff0L;
            prefixes.add(new IpPrefix(false, 0, addr & 0xffffffffL, len).network());
        }
        PrefixIndex<IpPrefix> index = PrefixIndex.of(prefixes, p -> p);
        for (int i = 0; i < 5000; i++) {
            IpPrefix a = new IpPrefix(false, 0, rnd.nextInt() & 0xffffffffL, 32);
            Optional<IpPrefix> expected = prefixes.stream().filter(p -> p.contains(a))
                    .max((x, y) -> Integer.compare(x.length(), y.length()));
            assertEquals(expected, index.mostSpecific(a), a.toString());
            assertEquals(expected.isPresent(), index.containsIPv4((int) a.lo()));
        }
    }

    @Test
    void ipv6AndRawBytesAndWithin() throws Exception {
        List<IpPrefix> ps = List.of(IpPrefix.parse("2001:db8::/33"), IpPrefix.parse("2001:db8:600::/40"),
                IpPrefix.parse("2001:db8:601::/48"), IpPrefix.parse("198.18.0.0/15"));
        PrefixIndex<IpPrefix> index = PrefixIndex.of(ps, p -> p);
        assertEquals(Optional.of(ps.get(2)), index.mostSpecific(IpPrefix.address("2001:db8:601::5")));
        assertEquals(List.of(ps.get(1), ps.get(0)), index.covering(IpPrefix.address("2001:db8:6ff::1")));
        assertTrue(index.contains(java.net.InetAddress.getByName("198.19.255.255").getAddress()));
        assertFalse(index.contains(java.net.InetAddress.getByName("198.20.0.0").getAddress()));
        assertTrue(index.contains(java.net.InetAddress.getByName("2001:db8:1::1").getAddress()));
        assertEquals(List.of(ps.get(1), ps.get(2)), index.within(IpPrefix.parse("2001:db8:600::/40")));
        assertEquals(4, index.size());
    }
}
