package cn.egov.addressplan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.addressplan.IpCommandReader.Link;
import cn.egov.addressplan.SiteObservation.InterfaceAddress;
import cn.egov.addressplan.SiteObservation.Neighbour;
import cn.egov.rules.plan.AddressPlan;
import cn.egov.rules.plan.IpPrefix;
import cn.egov.rules.policy.IsolationPolicy;
import cn.egov.rules.policy.PolicyLoader;
import cn.egov.rules.unit.UnitCode;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The province's baseline policy and plan, unit 130602-001 (internal 10.6.8.0/25, external 198.18.80.16/28). */
class ZoneWiringCheckTest {

    static ZoneWiringCheck check;

    @BeforeAll
    static void load() throws Exception {
        AddressPlan plan = SiteCheck.load(Path.of("../../rules/plan"));
        IsolationPolicy policy = PolicyLoader.load(Path.of("../../rules/policy/baseline"), LocalDate.now()).policyOrThrow();
        List<ZoneWiringCheck.Port> ports = ZoneWiringCheck.ports(policy, plan, UnitCode.parse("130602-001"));
        assertEquals(List.of("eth1", "eth2", "eth0", "eth3"), ports.stream().map(ZoneWiringCheck.Port::iface).toList(),
                "in the policy's zone order; ipsec0 exists only once the tunnel is up");
        check = new ZoneWiringCheck(ports, "130602-001", "192.0.2.2");
    }

    private static List<Link> links(String... noCarrier) {
        List<Link> l = new ArrayList<>();
        for (String n : List.of("lo", "eth0", "eth1", "eth2", "eth3")) {
            l.add(new Link(n, true, !List.of(noCarrier).contains(n)));
        }
        return l;
    }

    private static List<InterfaceAddress> addresses(String eth1) {
        return List.of(new InterfaceAddress("eth0", IpPrefix.parseLenient("192.0.2.1/24"), "global"),
                new InterfaceAddress("eth1", IpPrefix.parseLenient(eth1), "global"),
                new InterfaceAddress("eth1", IpPrefix.parseLenient("fe80::1/64"), "link"),
                new InterfaceAddress("eth2", IpPrefix.parseLenient("198.18.80.17/28"), "global"),
                new InterfaceAddress("eth3", IpPrefix.parseLenient("198.51.100.1/24"), "global"));
    }

    private static Neighbour host(String address, String dev) {
        return new Neighbour(IpPrefix.address(address), dev, "02:00:00:00:00:05", "STALE");
    }

    private static List<String> findings(List<Link> links, List<InterfaceAddress> addresses, List<Neighbour> neighbours, String hubDev) {
        return check.check(new ZoneWiringCheck.Site(links, addresses, neighbours, a -> Optional.ofNullable(hubDev)))
                .stream().map(f -> (f.blocking() ? "FAIL " : "WARN ") + f.message()).toList();
    }

    @Test
    void aBoxWiredAndNumberedAsPlannedHasNoFinding() {
        assertEquals(List.of(), findings(links(), addresses("10.6.8.1/25"),
                List.of(host("10.6.8.5", "eth1"), host("198.18.80.18", "eth2"), host("192.0.2.2", "eth0")), "eth0"));
    }

    @Test
    void anAddressOutsideThePlanSaysWhatToChangeItTo() {
        assertEquals(List.of("FAIL eth1 has 192.168.1.1/24; the plan gives this unit 10.6.8.0/25: change eth1 to 10.6.8.1/25."),
                findings(links(), addresses("192.168.1.1/24"), List.of(), "eth0"));
    }

    @Test
    void hostsOfEachLanOnTheOtherPortAreSwappedCables() {
        assertEquals(List.of("FAIL The cables of eth1 (zone internal) and eth2 (zone external) are swapped: hosts of the external "
                        + "network (198.18.80.18) answer on eth1 and hosts of the internal network (10.6.8.5) on eth2. Exchange the two cables."),
                findings(links(), addresses("10.6.8.1/25"), List.of(host("198.18.80.18", "eth1"), host("10.6.8.5", "eth2")), "eth0"));
        assertEquals(List.of("FAIL Hosts of the internal network (10.6.8.5) answer on eth2, the port of zone external: their cable belongs in eth1."),
                findings(links(), addresses("10.6.8.1/25"), List.of(host("10.6.8.5", "eth2")), "eth0"));
    }

    @Test
    void missingLinksPortsAndRoutesAreNamed() {
        List<String> f = findings(links("eth1", "eth3"), addresses("10.6.8.1/25"), List.of(), "eth1");
        assertEquals(List.of("FAIL eth1 (zone internal) has no link: plug the internal network's cable into eth1.",
                "FAIL The route to the backbone hub 192.0.2.2 leaves through eth1, not the uplink eth0: the uplink cable may be in eth1, "
                        + "or the default route points the wrong way (ip route).",
                "WARN eth3 (zone internet-access) has no link: plug the internet-access line's cable into eth3."), f);
        List<String> none = findings(List.of(new Link("eth0", true, true), new Link("eth1", true, true), new Link("eth2", true, true)),
                addresses("10.6.8.1/25"), List.of(), null);
        assertTrue(none.contains("FAIL This box has no route to the backbone hub 192.0.2.2: add the default route through the backbone "
                + "operator's gateway on eth0."), String.join("\n", none));
        assertTrue(none.stream().anyMatch(x -> x.startsWith("FAIL The policy puts eth3 in zone internet-access, but this box has no eth3")),
                String.join("\n", none));
    }
}
