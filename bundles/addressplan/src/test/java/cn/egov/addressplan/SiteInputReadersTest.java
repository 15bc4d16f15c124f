package cn.egov.addressplan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.addressplan.SiteObservation.Lease;
import cn.egov.rules.plan.IpPrefix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** iproute2 JSON (as captured on Debian 12), lease files and hosts files. */
class SiteInputReadersTest {

    @TempDir
    Path dir;

    @Test
    void ipJsonAddressesRoutesNeighbours() {
        var addrs = IpCommandReader.parseAddresses("[{\"ifindex\":1,\"ifname\":\"lo\",\"flags\":[\"LOOPBACK\",\"UP\"],"
                + "\"addr_info\":[{\"family\":\"inet\",\"local\":\"127.0.0.1\",\"prefixlen\":8,\"scope\":\"host\"}]},"
                + "{\"ifindex\":2,\"ifname\":\"eth1\",\"addr_info\":[{\"family\":\"inet\",\"local\":\"10.6.8.1\",\"prefixlen\":25,\"scope\":\"global\"},"
                + "{\"family\":\"inet6\",\"local\":\"2001:db8:601:100::1\",\"prefixlen\":64,\"scope\":\"global\"}]}]");
        assertEquals(3, addrs.size());
        assertEquals("eth1", addrs.get(1).device());
        assertEquals("10.6.8.1/25", addrs.get(1).address().toString());
        var routes = IpCommandReader.parseRoutes("[{\"dst\":\"fd00::/64\",\"dev\":\"eth0\",\"protocol\":\"kernel\",\"metric\":256,\"flags\":[]},"
                + "{\"dst\":\"default\",\"gateway\":\"fd00::1\",\"dev\":\"eth0\",\"metric\":1024,\"flags\":[]}]", true);
        assertTrue(routes.get(0).connected());
        assertEquals("::/0", routes.get(1).destination().toString());
        assertFalse(routes.get(1).connected());
        var neigh = IpCommandReader.parseNeighbours("[{\"dst\":\"10.9.9.20\",\"dev\":\"eth2\",\"lladdr\":\"02:00:00:00:00:02\",\"state\":[\"REACHABLE\"]},"
                + "{\"dst\":\"10.6.8.99\",\"dev\":\"eth1\",\"state\":[\"FAILED\"]}]");
        assertEquals(1, neigh.size());
        assertEquals("10.9.9.20", neigh.get(0).address().toString());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IpCommandReader.parseNeighbours("[{\"dst\":"))
                .getMessage().contains("ip -j neigh"));
    }

    @Test
    void dnsmasqLeasesWithABadLine() throws Exception {
        Path f = dir.resolve("dnsmasq.leases");
        Files.writeString(f, "1764230000 02:00:00:00:00:05 10.6.8.50 pc5 01:02:00:00:00:00:05\n"
                + "1764230000 02:00:00:00:00:06 10.6.8.999 pc6 *\n"
                + "1764230000 02:00:00:00:00:07 10.9.9.21 * *\n");
        LeaseFileReader r = new LeaseFileReader();
        List<Lease> l = r.read(f);
        assertEquals(2, l.size());
        assertEquals("pc5", l.get(0).hostName());
        assertEquals("", l.get(1).hostName());
        assertEquals(1, r.problems().size());
        assertTrue(r.problems().get(0).startsWith(f + ":2: "), r.problems().toString());
    }

    @Test
    void iscLeasesLastBlockWins() throws Exception {
        Path f = dir.resolve("dhcpd.leases");
        Files.writeString(f, "# The format of this file is documented in the dhcpd.leases(5) manual page.\n"
                + "lease 10.6.8.60 {\n  starts 4 2026/11/26 10:00:00;\n  hardware ethernet 02:00:00:00:00:60;\n  client-hostname \"old\";\n}\n"
                + "lease 10.6.8.60 {\n  hardware ethernet 02:00:00:00:00:61;\n  client-hostname \"new\";\n}\n"
                + "lease 10.9.9.22 {\n  hardware ethernet 02:00:00:00:00:22;\n}\n");
        List<Lease> l = new LeaseFileReader().read(f);
        assertEquals(2, l.size());
        Lease first = l.stream().filter(x -> x.address().equals(IpPrefix.address("10.6.8.60"))).findFirst().orElseThrow();
        assertEquals("02:00:00:00:00:61", first.mac());
        assertEquals("new", first.hostName());
        assertEquals(List.of(), new LeaseFileReader().read(dir.resolve("missing.leases")));
    }

    @Test
    void hostsFile() throws Exception {
        Path f = dir.resolve("hosts");
        Files.writeString(f, "127.0.0.1 localhost\n10.6.8.20 pc1.jyj.jingxiu.hebei.egov pc1 # comment\nnot-an-ip x\n");
        HostsFileReader r = new HostsFileReader();
        var names = r.read(f);
        assertEquals(3, names.size());
        assertEquals("pc1.jyj.jingxiu.hebei.egov", names.get(1).name());
        assertTrue(r.problems().get(0).startsWith(f + ":3: "));
    }
}
