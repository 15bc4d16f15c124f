package cn.egov.isolation.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.isolation.enforce.ApplyResult;
import cn.egov.isolation.enforce.PolicyEnforcement;
import cn.egov.isolation.enforce.ProcessNft;
import cn.egov.lab.NetLab;
import cn.egov.lab.PacketCapture;
import cn.egov.rules.policy.PolicyLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The box's own traffic (output chain of the shipped baseline) and the route guard, on a real
 * kernel in network namespaces:
 * <pre>
 *   lan 10.1.0.2, 2001:db8:1::2 ── eth1 ┐
 *   ext 10.2.0.2 ──────────────── eth2 ┤ box ── eth0 192.0.2.1 ── hub 192.0.2.2 (backbone 10.200.0.1 on lo)
 *   inet 198.51.100.2/25, 2001:db8:3::2 ─ eth3 ┘ └─ ipsec0 10.255.0.1 ── tun0 10.255.0.2 (hub)
 *        (+ 198.51.100.130, 2001:db8:ffff::1 on lo: "somewhere on the Internet")
 * </pre>
 * The box's default routes lead to the Internet via eth3 (the Internet-access line); the
 * backbone is routed through the tunnel stand-in {@code ipsec0}. Reachability is a TCP connect to
 * a closed port: "refused" means the packet arrived, a timeout that it was dropped, "unreachable"
 * that there was no route.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RouteGuardNetnsTest {

    static final Path BASELINE = Path.of("../../rules/policy/baseline");
    static final String CLOSED_PORT = "9";
    static final String INTERNET = "198.51.100.130";
    static final String INTERNET_V6 = "2001:db8:ffff::1";
    static final int PROTOCOL = 201;
    static final RouteGuardSettings SETTINGS = new RouteGuardSettings(30000, PROTOCOL, 201, 202, List.of("internal"),
            List.of("internet-access"), List.of(INTERNET, INTERNET_V6));

    static NetLab lab;
    static String box;
    static String lan;
    static String ext;
    static String hub;
    static String inet;
    static Recorder telemetry;
    static PolicyEnforcement enforcement;
    static RouteIsolation routes;
    static RouteGuardSettings.GuardedInterfaces guarded;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void network() {
        lab = NetLab.create("rtg");
        box = lab.host("box");
        lan = lab.host("lan");
        ext = lab.host("ext");
        hub = lab.host("hub");
        inet = lab.host("inet");
        lab.link(box, "eth1", "10.1.0.1/24", lan, "eth0", "10.1.0.2/24");
        lab.link(box, "eth2", "10.2.0.1/24", ext, "eth0", "10.2.0.2/24");
        lab.link(box, "eth3", "198.51.100.1/25", inet, "eth0", "198.51.100.2/25");
        lab.link(box, "eth0", "192.0.2.1/24", hub, "eth0", "192.0.2.2/24");
        lab.link(box, "ipsec0", "10.255.0.1/30", hub, "tun0", "10.255.0.2/30");
        lab.forwarding(box);
        lab.exec(box, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
        lab.exec(box, "ip", "-6", "addr", "add", "2001:db8:1::1/64", "dev", "eth1", "nodad");
        lab.exec(lan, "ip", "-6", "addr", "add", "2001:db8:1::2/64", "dev", "eth0", "nodad");
        lab.exec(box, "ip", "-6", "addr", "add", "2001:db8:3::1/64", "dev", "eth3", "nodad");
        lab.exec(inet, "ip", "-6", "addr", "add", "2001:db8:3::2/64", "dev", "eth0", "nodad");
        lab.exec(inet, "ip", "addr", "add", INTERNET + "/32", "dev", "lo");
        lab.exec(inet, "ip", "-6", "addr", "add", INTERNET_V6 + "/128", "dev", "lo");
        lab.exec(lan, "ip", "route", "add", "default", "via", "10.1.0.1");
        lab.exec(lan, "ip", "-6", "route", "add", "default", "via", "2001:db8:1::1");
        lab.exec(ext, "ip", "route", "add", "default", "via", "10.2.0.1");
        lab.exec(inet, "ip", "route", "add", "10.0.0.0/8", "via", "198.51.100.1");
        lab.exec(inet, "ip", "-6", "route", "add", "2001:db8:1::/64", "via", "2001:db8:3::1");
        lab.exec(hub, "ip", "addr", "add", "10.200.0.1/32", "dev", "lo");
        lab.exec(hub, "ip", "route", "add", "10.1.0.0/16", "via", "10.255.0.1");
        lab.exec(box, "ip", "route", "add", "10.200.0.0/16", "via", "10.255.0.2", "dev", "ipsec0");
        lab.exec(box, "ip", "route", "add", "default", "via", "198.51.100.2");
        lab.exec(box, "ip", "-6", "route", "add", "default", "via", "2001:db8:3::2");
        // fresh veths need a moment before IPv6 neighbour discovery answers: wait until the path works
        for (int i = 0; i < 10 && !lab.tryExec(lan, "ping", "-6", "-c1", "-W1", INTERNET_V6).ok(); i++) {
            lab.tryExec(lan, "sleep", "0.5");
        }
        telemetry = new Recorder();
        enforcement = new PolicyEnforcement(ProcessNft.inNamespace(box), telemetry, Clock.systemUTC(), tmp.resolve("nft.lock"), false);
        routes = new RouteIsolation(ProcessIp.inNamespace(box), SETTINGS, telemetry::alarm, Clock.systemUTC());
        enforcement.addToState(routes::addMetrics);
        guarded = SETTINGS.interfacesIn(PolicyLoader.load(BASELINE, LocalDate.now()).policyOrThrow());
    }

    @AfterAll
    static void cleanUp() {
        if (lab != null) {
            lab.close();
        }
    }

    /** True when a TCP SYN from {@code ns} reached {@code addr}:{@code port} (answered by a reset). */
    static boolean reaches(String ns, String addr, String port) {
        NetLab.Result r = lab.tryExec(ns, "timeout", "2", "bash", "-c", "echo > /dev/tcp/" + addr + "/" + port);
        assertTrue(r.exitCode() == 1 || r.exitCode() == 124, "unexpected outcome " + r);
        return r.exitCode() == 1 && r.output().contains("refused");
    }

    static boolean reaches(String ns, String addr) {
        return reaches(ns, addr, CLOSED_PORT);
    }

    @Test
    @Order(1)
    void withoutGuardOrPolicyTheLabRoutesEverywhere() {
        // the control: the lab's routing lets internal reach the Internet, and the probe sees it
        assertEquals(guarded.isolated(), List.of("eth1"));
        assertEquals(guarded.internet(), List.of("eth3"));
        assertTrue(reaches(lan, INTERNET));
        assertTrue(reaches(lan, INTERNET_V6));
        assertTrue(reaches(box, INTERNET), "the box itself reaches the Internet");
        List<RouteFinding> found = new RouteProbe(ProcessIp.inNamespace(box), SETTINGS.probes()).check(guarded);
        assertTrue(found.stream().anyMatch(f -> f.kind() == RouteFinding.Kind.ROUTE_TO_INTERNET && f.probe().equals(INTERNET)
                && f.via().startsWith("eth3")), found.toString());
        assertTrue(found.stream().anyMatch(f -> f.kind() == RouteFinding.Kind.ROUTE_TO_INTERNET && f.probe().equals(INTERNET_V6)),
                found.toString());
        assertTrue(found.stream().anyMatch(f -> f.probe().equals("198.51.100.2")),
                "the Internet line's own subnet is probed too: " + found);
        assertTrue(found.stream().anyMatch(f -> f.kind() == RouteFinding.Kind.ROUTE_FROM_INTERNET && f.iface().equals("eth3")
                && f.probe().equals("10.1.0.2") && f.via().startsWith("eth1")), "and the way in, from the Internet line: " + found);
        assertEquals(List.of("ICMP", "TCP", "UDP"), arrivingFromTheInternet(),
                "the Internet host's packets reach the internal host (seen by tcpdump there)");
    }

    /**
     * An ICMP echo, a TCP SYN to port 80 and a UDP datagram to port 53 from the Internet host to the
     * internal host: which of them tcpdump on the internal host saw.
     */
    static List<String> arrivingFromTheInternet() {
        List<String> seen = new ArrayList<>();
        try (PacketCapture cap = PacketCapture.start(lab, lan, "eth0", "src host 198.51.100.2")) {
            lab.tryExec(inet, "ping", "-c1", "-W1", "10.1.0.2");
            lab.tryExec(inet, "timeout", "2", "bash", "-c", "echo > /dev/tcp/10.1.0.2/80");
            lab.tryExec(inet, "bash", "-c", "echo probe > /dev/udp/10.1.0.2/53");
            List<String> lines = cap.stop();
            if (lines.stream().anyMatch(l -> l.contains("ICMP echo request"))) {
                seen.add("ICMP");
            }
            if (lines.stream().anyMatch(l -> l.contains("10.1.0.2.80: tcp"))) {
                seen.add("TCP");
            }
            if (lines.stream().anyMatch(l -> l.contains("10.1.0.2.53: UDP"))) {
                seen.add("UDP");
            }
            if (seen.isEmpty()) {
                assertEquals(List.of(), lines, "no packet of the Internet host at all");
            }
        }
        return seen;
    }

    @Test
    @Order(2)
    void policyAndGuardApplied() {
        ApplyResult r = enforcement.apply(BASELINE);
        assertEquals(ApplyResult.Status.APPLIED, r.status(), r.message());
        RouteIsolation.Report report = routes.run(guarded);
        assertTrue(report.guard().inForce(), report.guard().problems().toString());
        assertEquals("NO_ROUTE", report.state(), report.findings().toString());
        assertTrue(enforcement.verify().isClean());
        KuraPayload state = telemetry.last(BoxMetrics.ISOLATION_APP, BoxMetrics.POLICY_RESOURCE);
        assertEquals("IN_FORCE", state.stringMetric(BoxMetrics.POLICY_STATE));
        assertEquals("NO_ROUTE", state.stringMetric(BoxMetrics.ROUTE_STATE));
        assertEquals(report.checkedAt(), state.longMetric(BoxMetrics.ROUTE_CHECKED_AT));
        assertEquals(0L, state.longMetric(BoxMetrics.ROUTE_FINDINGS));
    }

    @Test
    @Order(3)
    void theBoxItselfNeverReachesTheInternetAndIsReported() {
        assertFalse(reaches(box, INTERNET), "the box's own connection to the Internet is dropped");
        assertFalse(reaches(box, "198.51.100.2", "53"), "also DNS to a resolver on the Internet line");
        enforcement.pollDenials();
        List<Alarm> denied = telemetry.alarms("isolation.denied");
        assertTrue(denied.stream().anyMatch(a -> "never box-internet".equals(a.evidence().get("rule"))
                && INTERNET.equals(a.evidence().get("destination")) && "eth3".equals(a.evidence().get("interface"))
                && CLOSED_PORT.equals(a.evidence().get("port")) && a.severity() == Alarm.Severity.CRITICAL), denied.toString());
        assertTrue(denied.stream().anyMatch(a -> "never box-internet".equals(a.evidence().get("rule"))
                && "198.51.100.2".equals(a.evidence().get("destination")) && "53".equals(a.evidence().get("port"))), denied.toString());
    }

    @Test
    @Order(4)
    void theBoxReachesTheDataCentreOnlyThroughTheTunnelAndOnlyForItsServices() {
        assertTrue(reaches(box, "10.200.0.1", "8883"), "MQTT over TLS to the manager through the tunnel");
        assertTrue(reaches(box, "10.200.0.1", "8443"), "EST through the tunnel");
        assertFalse(reaches(box, "10.200.0.1", "22"), "no other service");
        lab.exec(box, "ip", "route", "replace", "10.200.0.0/16", "via", "192.0.2.2", "dev", "eth0");
        try {
            assertFalse(reaches(box, "10.200.0.1", "8883"), "routed in clear via the uplink: dropped (fail closed)");
        } finally {
            lab.exec(box, "ip", "route", "replace", "10.200.0.0/16", "via", "10.255.0.2", "dev", "ipsec0");
        }
        assertTrue(reaches(box, "10.200.0.1", "8883"));
        enforcement.pollDenials();
        List<Alarm> denied = telemetry.alarms("isolation.denied");
        assertTrue(denied.stream().anyMatch(a -> "default deny (output)".equals(a.evidence().get("rule"))
                && "10.200.0.1".equals(a.evidence().get("destination")) && "22".equals(a.evidence().get("port"))
                && "ipsec0".equals(a.evidence().get("interface"))), denied.toString());
        assertTrue(denied.stream().anyMatch(a -> "never box-backbone-cleartext".equals(a.evidence().get("rule"))
                && "eth0".equals(a.evidence().get("interface")) && "8883".equals(a.evidence().get("port"))), denied.toString());
    }

    @Test
    @Order(5)
    void withOurTableDeletedInternalStillHasNoRouteToTheInternet() {
        assertTrue(reaches(lan, "10.200.0.1"), "internal reaches the backbone through the tunnel: the guard leaves it alone");
        lab.exec(box, "nft", "delete", "table", "inet", "egov");
        try {
            assertTrue(reaches(ext, INTERNET), "external reaches the Internet (no firewall at all now)");
            assertTrue(reaches(ext, "198.51.100.2"));
            assertFalse(reaches(lan, INTERNET), "internal: no route");
            assertFalse(reaches(lan, "198.51.100.2"), "not even to the Internet line's own subnet");
            assertFalse(reaches(lan, INTERNET_V6), "nor over IPv6");
            assertEquals(List.of(), arrivingFromTheInternet(), "the Internet host's ping, TCP and UDP never reach the internal host");
            NetLab.Result in = lab.tryExec(box, "ip", "route", "get", "10.1.0.2", "from", "198.51.100.2", "iif", "eth3");
            assertTrue(in.output().contains("Network is unreachable"), "no route from the Internet line inwards: " + in.output());
            NetLab.Result in6 = lab.tryExec(box, "ip", "-6", "route", "get", "2001:db8:1::2", "from", "2001:db8:3::2", "iif", "eth3");
            assertTrue(in6.output().contains("Network is unreachable"), in6.output());
            assertTrue(reaches(inet, "10.2.0.2"), "while the Internet host still reaches the external network (no firewall now)");
            assertTrue(reaches(lan, "10.200.0.1"), "the backbone through the tunnel still works");
            NetLab.Result get = lab.tryExec(box, "ip", "route", "get", INTERNET, "from", "10.1.0.2", "iif", "eth1");
            assertFalse(get.ok());
            assertTrue(get.output().contains("Network is unreachable"), get.output());
            NetLab.Result get6 = lab.tryExec(box, "ip", "-6", "route", "get", INTERNET_V6, "from", "2001:db8:1::2", "iif", "eth1");
            assertTrue(get6.output().contains("Network is unreachable"), get6.output());
            assertEquals("NO_ROUTE", routes.run(guarded).state());
        } finally {
            assertEquals(ApplyResult.Status.APPLIED, enforcement.apply(BASELINE).status());
        }
    }

    @Test
    @Order(6)
    void splitDefaultRoutesAreFindings() {
        int alarmsBefore = telemetry.alarms(RouteFinding.Kind.SPLIT_DEFAULT_ROUTE.alarmKind()).size();
        lab.exec(box, "ip", "route", "add", "0.0.0.0/1", "via", "198.51.100.2", "dev", "eth3");
        lab.exec(box, "ip", "route", "add", "128.0.0.0/1", "via", "198.51.100.2", "dev", "eth3");
        try {
            RouteIsolation.Report r = routes.run(guarded);
            assertEquals("FINDINGS", r.state());
            List<RouteFinding> split = r.findings().stream().filter(f -> f.kind() == RouteFinding.Kind.SPLIT_DEFAULT_ROUTE).toList();
            assertEquals(List.of("0.0.0.0/1", "128.0.0.0/1"), split.stream().map(RouteFinding::probe).toList(), r.findings().toString());
            assertTrue(split.get(0).via().startsWith("eth3"));
            // through the Internet line they are suppressed for the internal zone all the same
            assertFalse(reaches(lan, INTERNET));
            assertEquals(alarmsBefore + 2, telemetry.alarms(RouteFinding.Kind.SPLIT_DEFAULT_ROUTE.alarmKind()).size());
            routes.run(guarded);
            assertEquals(alarmsBefore + 2, telemetry.alarms(RouteFinding.Kind.SPLIT_DEFAULT_ROUTE.alarmKind()).size(),
                    "a standing finding raises no second alarm");
            // the same trick through another interface (a router on the external LAN) opens a path: found
            lab.exec(box, "ip", "route", "replace", "0.0.0.0/1", "via", "10.2.0.2", "dev", "eth2");
            lab.exec(box, "ip", "route", "replace", "128.0.0.0/1", "via", "10.2.0.2", "dev", "eth2");
            r = routes.run(guarded);
            assertTrue(r.findings().stream().anyMatch(f -> f.kind() == RouteFinding.Kind.ROUTE_TO_INTERNET
                    && f.iface().equals("eth1") && f.probe().equals(INTERNET) && f.via().equals("eth2 gateway 10.2.0.2")), r.findings().toString());
            List<Alarm> route = telemetry.alarms(RouteFinding.Kind.ROUTE_TO_INTERNET.alarmKind());
            assertTrue(route.stream().anyMatch(a -> a.severity() == Alarm.Severity.CRITICAL
                    && a.message().equals("route exists from internal zone (eth1) to the Internet via eth2 gateway 10.2.0.2 (probe " + INTERNET + ")")),
                    route.toString());
            assertTrue(enforcement.verify().isClean());
            KuraPayload state = telemetry.last(BoxMetrics.ISOLATION_APP, BoxMetrics.POLICY_RESOURCE);
            assertEquals("FINDINGS", state.stringMetric(BoxMetrics.ROUTE_STATE), "telemetry carries the finding next to the policy");
            assertEquals((long) r.findings().size(), state.longMetric(BoxMetrics.ROUTE_FINDINGS));
        } finally {
            lab.exec(box, "ip", "route", "del", "0.0.0.0/1");
            lab.exec(box, "ip", "route", "del", "128.0.0.0/1");
        }
        assertEquals("NO_ROUTE", routes.run(guarded).state());
        assertTrue(telemetry.alarms(RouteFinding.Kind.ROUTE_TO_INTERNET.alarmKind()).stream()
                .anyMatch(a -> a.severity() == Alarm.Severity.CLEARED), "all clear is reported");
    }

    @Test
    @Order(7)
    void applyingTwiceChangesNothingAndOnlyOurRulesAreTouched() {
        lab.exec(box, "ip", "rule", "add", "priority", "1000", "iif", "eth2", "lookup", "main", "protocol", "static");
        lab.exec(box, "ip", "rule", "add", "priority", "30000", "iif", "eth9", "unreachable", "protocol", Integer.toString(PROTOCOL));
        RouteIsolation.Report first = routes.run(guarded);
        assertEquals(1, first.guard().changes().size(), first.guard().changes().toString());
        assertTrue(first.guard().changes().get(0).contains("eth9"), "a stale rule of ours is removed");
        RouteIsolation.Report second = routes.run(guarded);
        assertEquals(List.of(), second.guard().changes(), "nothing to do the second time");
        String rules = lab.exec(box, "ip", "rule", "list");
        assertEquals(1, count(rules, "iif eth1 lookup main suppress_prefixlength 0 suppress_ifgroup 201"), rules);
        assertEquals(1, count(rules, "iif eth1 unreachable"), rules);
        assertEquals(1, count(rules, "iif eth3 lookup main suppress_ifgroup 202"), rules);
        assertEquals(1, count(rules, "iif eth3 unreachable"), rules);
        assertEquals(0, count(rules, "eth9"), rules);
        assertTrue(rules.contains("1000:\tfrom all iif eth2 lookup main proto static"), "the operator's rule is untouched: " + rules);
        String rules6 = lab.exec(box, "ip", "-6", "rule", "list");
        assertEquals(1, count(rules6, "iif eth1 unreachable"), rules6);
        assertEquals(1, count(rules6, "iif eth3 unreachable"), rules6);
        assertEquals(1, count(lab.exec(box, "ip", "-d", "link", "show", "eth3"), "group 201"));
        assertEquals(1, count(lab.exec(box, "ip", "-d", "link", "show", "eth1"), "group 202"));
    }

    @Test
    @Order(8)
    void rulesRemovedByHandAreRestoredAndReported() {
        lab.exec(box, "ip", "rule", "del", "priority", "30001", "iif", "eth1");
        lab.exec(box, "ip", "rule", "del", "priority", "30003", "iif", "eth3");
        lab.exec(box, "ip", "link", "set", "eth3", "group", "default");
        lab.exec(box, "ip", "link", "set", "eth1", "group", "default");
        NetLab.Result in = lab.tryExec(box, "ip", "route", "get", "10.1.0.2", "from", "198.51.100.2", "iif", "eth3");
        assertTrue(in.ok() && in.output().contains("dev eth1"), "the hand edit opened the way in: " + in);
        NetLab.Result opened = lab.tryExec(box, "ip", "route", "get", "198.51.100.2", "from", "10.1.0.2", "iif", "eth1");
        assertTrue(opened.ok() && opened.output().contains("dev eth3"), "the hand edit opened a route: " + opened);
        RouteIsolation.Report r = routes.run(guarded);
        assertTrue(r.findings().stream().anyMatch(f -> f.kind() == RouteFinding.Kind.GUARD && f.message().contains("restored")
                && f.message().contains("group 201") && f.message().contains("unreachable")), r.findings().toString());
        assertTrue(r.findings().stream().anyMatch(f -> f.message().contains("priority 30003 iif eth3 unreachable")
                && f.message().contains("interface eth1 put in group 202")), "the way in is restored and reported too: " + r.findings());
        assertNotNull(telemetry.alarms(RouteFinding.Kind.GUARD.alarmKind()).stream().filter(a -> a.message().contains("restored"))
                .findFirst().orElse(null));
        assertEquals("NO_ROUTE", routes.run(guarded).state());
        assertFalse(reaches(lan, INTERNET));
        assertTrue(lab.tryExec(box, "ip", "route", "get", "10.1.0.2", "from", "198.51.100.2", "iif", "eth3").output()
                .contains("Network is unreachable"));
    }

    static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** Records what the box would send; alarms are decoded back from their wire payload. */
    static final class Recorder implements TelemetryPublisher {
        record Message(String appId, String resource, KuraPayload payload) {
        }

        private final List<Message> messages = new ArrayList<>();

        @Override
        public synchronized void publish(String appId, String resource, KuraPayload payload, int priority) {
            messages.add(new Message(appId, resource, payload));
        }

        synchronized List<Alarm> alarms(String kind) {
            return messages.stream().filter(m -> m.appId().equals(Alarm.APP_ID) && m.resource().equals(kind))
                    .map(m -> Alarm.fromPayload(m.resource(), m.payload())).toList();
        }

        synchronized KuraPayload last(String appId, String resource) {
            List<Message> l = messages.stream().filter(m -> m.appId().equals(appId) && m.resource().equals(resource)).toList();
            return l.isEmpty() ? null : l.get(l.size() - 1).payload();
        }
    }
}
