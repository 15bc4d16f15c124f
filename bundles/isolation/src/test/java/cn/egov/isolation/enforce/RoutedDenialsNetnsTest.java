package cn.egov.isolation.enforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.telemetry.Alarm;
import cn.egov.isolation.route.ProcessIp;
import cn.egov.isolation.route.RouteGuardSettings;
import cn.egov.isolation.route.RouteIsolation;
import cn.egov.lab.NetLab;
import cn.egov.rules.policy.PolicyLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the route guard in force the internal zone has no route to the Internet, and none to the
 * backbone once the tunnel's routes are gone: the kernel refuses such packets before the forward
 * chain sees them. The never rules' copies in the {@code prerouting} chain still record each
 * attempt, so it raises its alarm; with that chain emptied by hand the same attempts leave no record.
 *
 * <pre>
 *   lan 10.1.0.2 ── eth1 box eth3 198.51.100.1 ── inet 198.51.100.2
 *                        box eth0 192.0.2.1 ── hub 192.0.2.2 (backbone 10.200.0.1 on lo)
 *                        box ipsec0 ── hub tun0 (tunnel stand-in; the backbone is routed through it)
 * </pre>
 */
class RoutedDenialsNetnsTest {

    private static final Path BASELINE = Path.of("../../rules/policy/baseline");

    @TempDir
    Path tmp;

    @Test
    void attemptsTheRouteGuardRefusesAreStillRecordedAndAlarmed() {
        try (NetLab lab = NetLab.create("rdn")) {
            String box = lab.host("box");
            String lan = lab.host("lan");
            String hub = lab.host("hub");
            String inet = lab.host("inet");
            lab.link(box, "eth1", "10.1.0.1/24", lan, "eth0", "10.1.0.2/24");
            lab.link(box, "eth3", "198.51.100.1/24", inet, "eth0", "198.51.100.2/24");
            lab.link(box, "eth0", "192.0.2.1/24", hub, "eth0", "192.0.2.2/24");
            lab.link(box, "ipsec0", "10.255.0.1/30", hub, "tun0", "10.255.0.2/30");
            lab.forwarding(box);
            lab.exec(lan, "ip", "route", "add", "default", "via", "10.1.0.1");
            lab.exec(inet, "ip", "route", "add", "10.0.0.0/8", "via", "198.51.100.1");
            lab.exec(hub, "ip", "addr", "add", "10.200.0.1/32", "dev", "lo");
            lab.exec(hub, "ip", "route", "add", "10.1.0.0/16", "via", "10.255.0.1");
            lab.exec(box, "ip", "route", "add", "10.200.0.0/16", "via", "10.255.0.2", "dev", "ipsec0");
            lab.exec(box, "ip", "route", "add", "default", "via", "192.0.2.2");

            RecordingTelemetry telemetry = new RecordingTelemetry();
            PolicyEnforcement enforcement = new PolicyEnforcement(ProcessNft.inNamespace(box), telemetry, Clock.systemUTC(),
                    tmp.resolve("nft.lock"), false);
            assertEquals(ApplyResult.Status.APPLIED, enforcement.apply(BASELINE).status());
            RouteIsolation routes = new RouteIsolation(ProcessIp.inNamespace(box),
                    RouteGuardSettings.defaults(RouteGuardSettings.defaultProbes()), telemetry::alarm, Clock.systemUTC());
            routes.follow(PolicyLoader.load(BASELINE, LocalDate.now()).policyOrThrow());
            assertEquals("NO_ROUTE", routes.run().state());
            assertTrue(reaches(lab, lan, "10.200.0.1", "9"), "the tunnel carries internal -> backbone");

            // LAN multicast and broadcast stay on the segment: no attempt to reach another zone, no record,
            // even when the box's route for them points at the Internet line
            lab.exec(box, "ip", "route", "add", "224.0.0.0/4", "dev", "eth3");
            lab.tryExec(lan, "ping", "-c", "1", "-W", "1", "239.255.255.250");
            lab.tryExec(lan, "ping", "-b", "-c", "1", "-W", "1", "255.255.255.255");
            lab.tryExec(lan, "ping", "-b", "-c", "1", "-W", "1", "10.1.0.255");
            assertEquals(0, enforcement.pollDenials(), "LAN multicast and broadcast are no denial");

            // internal -> Internet: the guard leaves no route, prerouting records the attempt
            assertFalse(routable(lab, box, "198.51.100.2"), "the route guard leaves internal no route to the Internet");
            assertFalse(reaches(lab, lan, "198.51.100.2", "9"));
            // tunnel gone: the backbone's only remaining route is the default one, which the guard suppresses
            lab.exec(box, "ip", "link", "set", "ipsec0", "down");
            assertFalse(routable(lab, box, "10.200.0.1"), "no route to the backbone without the tunnel");
            assertFalse(reaches(lab, lan, "10.200.0.1", "9"));

            assertEquals(2, enforcement.pollDenials());
            List<Alarm> denied = telemetry.alarms(IsolationAlarms.DENIED);
            assertTrue(denied.stream().anyMatch(a -> a.evidence().get("rule").equals("never internal-internet")
                    && a.evidence().get("source").equals("10.1.0.2") && a.evidence().get("destination").equals("198.51.100.2")
                    && a.evidence().get("interface").equals("eth1") && a.severity() == Alarm.Severity.CRITICAL), denied.toString());
            assertTrue(denied.stream().anyMatch(a -> a.evidence().get("rule").equals("never internal-backbone-cleartext")
                    && a.evidence().get("destination").equals("10.200.0.1") && a.evidence().get("interface").equals("eth1")),
                    denied.toString());

            // control: without the prerouting copies the same kinds of attempt (new ports) leave no record
            lab.exec(box, "nft", "flush", "chain", "inet", "egov", "prerouting");
            assertFalse(reaches(lab, lan, "198.51.100.2", "10"));
            assertFalse(reaches(lab, lan, "10.200.0.1", "10"));
            assertEquals(0, enforcement.pollDenials(), "refused by routing before forward: nothing recorded");
        }
    }

    /** True when a TCP SYN reached the closed port (answered by a reset); false when dropped or unroutable. */
    private static boolean reaches(NetLab lab, String ns, String addr, String port) {
        NetLab.Result r = lab.tryExec(ns, "timeout", "2", "bash", "-c", "echo > /dev/tcp/" + addr + "/" + port);
        return r.exitCode() == 1 && r.output().contains("refused");
    }

    /** Whether the kernel has a route for a packet from the internal host arriving on eth1. */
    private static boolean routable(NetLab lab, String box, String destination) {
        return lab.tryExec(box, "ip", "route", "get", destination, "from", "10.1.0.2", "iif", "eth1").ok();
    }
}
