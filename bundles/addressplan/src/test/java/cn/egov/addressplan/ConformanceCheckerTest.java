package cn.egov.addressplan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.addressplan.SiteFinding.Kind;
import cn.egov.addressplan.SiteObservation.HostName;
import cn.egov.addressplan.SiteObservation.InterfaceAddress;
import cn.egov.addressplan.SiteObservation.Lease;
import cn.egov.addressplan.SiteObservation.Neighbour;
import cn.egov.addressplan.SiteObservation.Route;
import cn.egov.rules.plan.AddressPlan;
import cn.egov.rules.plan.IpPrefix;
import cn.egov.rules.unit.UnitCode;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConformanceCheckerTest {

    static AddressPlan plan;

    @BeforeAll
    static void load() throws Exception {
        plan = SiteCheck.load(Path.of("../../rules/plan"));
    }

    private static IpPrefix a(String s) {
        return IpPrefix.address(s);
    }

    @Test
    void everyKindOfItemOutsideThePlanIsAFindingWithARemediation() {
        SiteObservation site = new SiteObservation(
                List.of(new InterfaceAddress("lo", IpPrefix.parseLenient("127.0.0.1/8"), "host"),
                        new InterfaceAddress("eth0", IpPrefix.parseLenient("192.0.2.2/24"), "global"),
                        new InterfaceAddress("eth1", IpPrefix.parseLenient("10.6.8.1/25"), "global"),
                        new InterfaceAddress("eth2", IpPrefix.parseLenient("10.6.16.1/24"), "global"),
                        new InterfaceAddress("eth1", IpPrefix.parseLenient("fe80::1/64"), "link")),
                List.of(new Route(IpPrefix.parse("10.6.8.0/25"), "eth1", null, true),
                        new Route(IpPrefix.parse("10.6.16.0/24"), "eth2", null, true),
                        new Route(IpPrefix.parse("0.0.0.0/0"), "eth0", "192.0.2.1", false),
                        new Route(IpPrefix.parse("192.0.2.0/24"), "eth0", null, true)),
                List.of(new Neighbour(a("10.6.8.20"), "eth1", "02:00:00:00:00:20", "REACHABLE"),
                        new Neighbour(a("10.6.16.20"), "eth2", "02:00:00:00:00:21", "STALE"),
                        new Neighbour(a("192.0.2.1"), "eth0", "02:00:00:00:00:01", "REACHABLE")),
                List.of(new Lease(a("10.6.8.30"), "02:00:00:00:00:30", "pc3", "dnsmasq.leases"),
                        new Lease(a("10.9.9.31"), "02:00:00:00:00:31", "", "dnsmasq.leases")),
                List.of(new HostName(a("10.6.8.20"), "pc1.jyj.jingxiu.hebei.egov", "hosts:2"),
                        new HostName(a("10.6.8.30"), "pc3.example.com", "hosts:3"),
                        new HostName(a("127.0.1.1"), "box.wjw.jingxiu.hebei.egov", "hosts:4"),
                        new HostName(a("10.6.8.20"), "pc1", "hosts:2")));
        ConformanceReport r = new ConformanceChecker(plan, UnitCode.parse("130602-001"), Set.of("lo", "eth0"))
                .check(site, List.of(), 1000L);

        assertEquals(6, r.findings().size(), r.findings().toString());
        SiteFinding addr = find(r, Kind.INTERFACE_ADDRESS);
        assertEquals("10.6.16.1", addr.observed());
        assertEquals("130606", addr.owner()); // the neighbouring county's block
        SiteFinding subnet = find(r, Kind.SUBNET);
        assertEquals("10.6.16.0/24", subnet.observed());
        assertEquals("10.6.8.0/25", subnet.suggestion());
        SiteFinding neigh = find(r, Kind.NEIGHBOUR);
        assertEquals("10.6.16.20", neigh.observed());
        // same host offset (.20) in the unit's block, but .20 is taken by a conforming host: next free
        assertEquals("10.6.8.21", neigh.suggestion());
        assertTrue(neigh.remediation().contains("renumber it to 10.6.8.21 in 10.6.8.0/25"), neigh.remediation());
        assertEquals("eth2 上的邻居（02:00:00:00:00:21）10.6.16.20 在 130606 的分配中：请改为 10.6.8.21（属于 10.6.8.0/25）。",
                neigh.chinese(), "the box console's sentence, beside the English");
        assertEquals("eth2 上的子网 10.6.16.0/24 在 130606 的分配中：请把这条链路改编为 10.6.8.0/25。", subnet.chinese());
        SiteFinding lease = find(r, Kind.LEASE);
        assertEquals("10.9.9.31", lease.observed());
        assertEquals("130902", lease.owner()); // a Cangzhou county's block
        List<SiteFinding> names = r.findings().stream().filter(f -> f.kind() == Kind.HOST_NAME).toList();
        assertEquals(List.of("pc3.example.com", "box.wjw.jingxiu.hebei.egov"), names.stream().map(SiteFinding::observed).toList());
        // another department's name space is not this unit's either
        assertEquals(List.of("pc3.jyj.jingxiu.hebei.egov", "box.jyj.jingxiu.hebei.egov"), names.stream().map(SiteFinding::suggestion).toList());
        assertEquals("请把 pc3.example.com 改名为 pc3.jyj.jingxiu.hebei.egov。", names.get(0).chinese());
        assertEquals(3, r.checked().get(Kind.HOST_NAME)); // pc1 FQDN, pc3, box's own loopback name
        assertEquals(1, r.findingCounts().get(Kind.LEASE));
    }

    @Test
    void aConformingSiteIsClean() {
        SiteObservation site = new SiteObservation(
                List.of(new InterfaceAddress("eth1", IpPrefix.parseLenient("10.6.8.1/25"), "global"),
                        new InterfaceAddress("eth1", IpPrefix.parseLenient("2001:db8:601:100::1/64"), "global")),
                List.of(new Route(IpPrefix.parse("10.6.8.0/25"), "eth1", null, true),
                        new Route(IpPrefix.parse("2001:db8:601:100::/64"), "eth1", null, true)),
                List.of(new Neighbour(a("10.6.8.20"), "eth1", "02:00:00:00:00:20", "REACHABLE")),
                List.of(), List.of());
        ConformanceReport r = new ConformanceChecker(plan, UnitCode.parse("130602-001"), Set.of()).check(site, List.of(), 1L);
        assertTrue(r.conforms(), r.findings().toString());
        assertEquals(5, r.itemsChecked());
    }

    @Test
    void aUnitWithoutAllocationIsRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new ConformanceChecker(plan, UnitCode.parse("130602-999"), Set.of())).getMessage().contains("130602-999"));
    }

    private static SiteFinding find(ConformanceReport r, Kind k) {
        return r.findings().stream().filter(f -> f.kind() == k).findFirst().orElseThrow(() -> new AssertionError("no " + k + " in " + r.findings()));
    }
}
