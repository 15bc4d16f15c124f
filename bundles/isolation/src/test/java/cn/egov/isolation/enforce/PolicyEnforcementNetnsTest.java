package cn.egov.isolation.enforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.lab.NetLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped baseline policy on a real kernel, in network namespaces:
 * <pre>
 *   lan 10.1.0.2 ── eth1 ┐                       ┌ eth0 192.0.2.2   hub (backbone: 10.200.0.1,
 *   ext 10.2.0.2 ── eth2 ┤ box                   │                  NOC 10.200.9.1 on lo)
 *   inet 198.51.100.2 ── eth3 ┤ eth0 192.0.2.1 ──┘
 *                             └ ipsec0 10.255.0.1 ── tun0 10.255.0.2 (hub)
 * </pre>
 * The tunnel is a stand-in: a veth pair named {@code ipsec0} on the box (what strongSwan's
 * kernel-libipsec creates), with the backbone routed through it and a default route via eth0
 * that would carry backbone traffic in clear text when the tunnel is down. Reachability is tested
 * by a TCP connect to a closed port: "refused" means the packet arrived, a timeout that it was dropped.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PolicyEnforcementNetnsTest {

    static final Path BASELINE = Path.of("../../rules/policy/baseline");
    static final String CLOSED_PORT = "9";

    static NetLab lab;
    static String box;
    static String lan;
    static String ext;
    static String hub;
    static String inet;
    static RecordingTelemetry telemetry;
    static PolicyEnforcement enforcement;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void network() {
        lab = NetLab.create("pol");
        box = lab.host("box");
        lan = lab.host("lan");
        ext = lab.host("ext");
        hub = lab.host("hub");
        inet = lab.host("inet");
        lab.link(box, "eth1", "10.1.0.1/24", lan, "eth0", "10.1.0.2/24");
        lab.link(box, "eth2", "10.2.0.1/24", ext, "eth0", "10.2.0.2/24");
        lab.link(box, "eth3", "198.51.100.1/24", inet, "eth0", "198.51.100.2/24");
        lab.link(box, "eth0", "192.0.2.1/24", hub, "eth0", "192.0.2.2/24");
        lab.link(box, "ipsec0", "10.255.0.1/30", hub, "tun0", "10.255.0.2/30");
        lab.forwarding(box);
        lab.exec(lan, "ip", "route", "add", "default", "via", "10.1.0.1");
        lab.exec(ext, "ip", "route", "add", "default", "via", "10.2.0.1");
        lab.exec(inet, "ip", "route", "add", "10.0.0.0/8", "via", "198.51.100.1");
        lab.exec(hub, "ip", "addr", "add", "10.200.0.1/32", "dev", "lo");
        lab.exec(hub, "ip", "addr", "add", "10.200.9.1/32", "dev", "lo");
        lab.exec(hub, "ip", "route", "add", "10.1.0.0/16", "via", "192.0.2.1", "metric", "100");
        lab.exec(hub, "ip", "route", "add", "10.2.0.0/16", "via", "192.0.2.1");
        tunnelUp();
        lab.exec(box, "ip", "route", "add", "default", "via", "192.0.2.2");
        telemetry = new RecordingTelemetry();
        enforcement = new PolicyEnforcement(ProcessNft.inNamespace(box), telemetry, Clock.systemUTC(),
                tmp.resolve("nft.lock"), true);
    }

    @AfterAll
    static void cleanUp() {
        if (lab != null) {
            lab.close();
        }
    }

    static void tunnelUp() {
        lab.exec(box, "ip", "link", "set", "ipsec0", "up");
        lab.exec(hub, "ip", "link", "set", "tun0", "up");
        lab.exec(box, "ip", "route", "replace", "10.200.0.0/16", "via", "10.255.0.2", "dev", "ipsec0");
        lab.exec(hub, "ip", "route", "replace", "10.1.0.0/16", "via", "10.255.0.1", "metric", "10");
    }

    /** Both ends go down, as when strongSwan removes ipsec0: routes through it disappear. */
    static void tunnelDown() {
        lab.exec(box, "ip", "link", "set", "ipsec0", "down");
        lab.exec(hub, "ip", "link", "set", "tun0", "down");
    }

    /** True when a TCP SYN from {@code ns} reached {@code addr} (answered by a reset). */
    static boolean reaches(String ns, String addr) {
        NetLab.Result r = lab.tryExec(ns, "timeout", "2", "bash", "-c", "echo > /dev/tcp/" + addr + "/" + CLOSED_PORT);
        assertTrue(r.exitCode() == 1 || r.exitCode() == 124, "unexpected outcome " + r);
        return r.exitCode() == 1 && r.output().contains("refused");
    }

    static boolean reachesPort(String ns, String addr, String port) {
        NetLab.Result r = lab.tryExec(ns, "timeout", "2", "bash", "-c", "echo > /dev/tcp/" + addr + "/" + port);
        return r.exitCode() == 1 && r.output().contains("refused");
    }

    @Test
    @Order(1)
    void withoutPolicyEverythingIsReachable() {
        // the control: the lab's routing would let every attempt below through
        assertTrue(reaches(lan, "198.51.100.2"));
        assertTrue(reaches(lan, "10.200.0.1"));
        assertTrue(reaches(ext, "192.0.2.2"));
        tunnelDown();
        try {
            assertTrue(reaches(lan, "10.200.0.1"), "with the tunnel down the backbone is reachable in clear text via eth0");
        } finally {
            tunnelUp();
        }
    }

    @Test
    @Order(2)
    void baselineIsAppliedAndVerified() {
        lab.exec(box, "nft", "add table ip nat; add chain ip nat POSTROUTING { type nat hook postrouting priority srcnat; }; "
                + "add rule ip nat POSTROUTING oifname \"docker0\" masquerade comment \"docker\"");
        lab.exec(box, "nft", "add table inet operator; add chain inet operator extra; add rule inet operator extra counter comment \"mine\"");
        ApplyResult r = enforcement.apply(BASELINE);
        assertEquals(ApplyResult.Status.APPLIED, r.status(), r.message());
        assertTrue(enforcement.verify().isClean());
        KuraPayload state = telemetry.last(BoxMetrics.ISOLATION_APP, BoxMetrics.POLICY_RESOURCE);
        assertEquals("hebei-baseline", state.stringMetric(BoxMetrics.POLICY_NAME));
        assertEquals("IN_FORCE", state.stringMetric(BoxMetrics.POLICY_STATE));
        assertEquals(64, state.stringMetric(BoxMetrics.POLICY_SHA256).length());
        assertTrue(state.longMetric(BoxMetrics.POLICY_VERIFIED_AT) > 0);
        // other tables untouched
        assertTrue(lab.exec(box, "nft", "list", "table", "ip", "nat").contains("comment \"docker\""));
        assertTrue(lab.exec(box, "nft", "list", "table", "inet", "operator").contains("comment \"mine\""));
    }

    @Test
    @Order(3)
    void internalNeverReachesTheInternet() {
        assertFalse(reaches(lan, "198.51.100.2"));
        assertFalse(reaches(inet, "10.1.0.2"));
    }

    @Test
    @Order(4)
    void internalReachesBackboneOnlyThroughTheTunnel() {
        assertTrue(reaches(lan, "10.200.0.1"));
        tunnelDown();
        try {
            assertFalse(reaches(lan, "10.200.0.1"), "tunnel down: the clear-text path via eth0 must be dropped");
        } finally {
            tunnelUp();
        }
        assertTrue(reaches(lan, "10.200.0.1"));
    }

    @Test
    @Order(5)
    void externalReachesTheInternetOnlyThroughInternetAccess() {
        assertTrue(reaches(ext, "198.51.100.2"));
        assertFalse(reaches(ext, "192.0.2.2"), "external to the backbone uplink is no way out");
        assertFalse(reaches(ext, "10.1.0.2"), "external never reaches internal");
    }

    @Test
    @Order(6)
    void managementOnlyFromTheNoc() {
        assertFalse(reachesPort(hub, "10.255.0.1", "22"), "hub's tunnel address is not a NOC address");
        lab.exec(hub, "ip", "route", "replace", "10.255.0.1/32", "dev", "tun0", "src", "10.200.9.1");
        try {
            assertTrue(reachesPort(hub, "10.255.0.1", "22"), "from the NOC's address ssh reaches the box");
        } finally {
            lab.exec(hub, "ip", "route", "del", "10.255.0.1/32");
        }
    }

    @Test
    @Order(7)
    void everyDeniedAttemptRaisesAnAlarm() {
        int fresh = enforcement.pollDenials();
        assertTrue(fresh >= 4, "new denials: " + fresh);
        List<Alarm> denied = telemetry.alarms(IsolationAlarms.DENIED);
        assertTrue(denied.stream().anyMatch(a -> a.evidence().get("rule").equals("never internal-internet")
                && a.evidence().get("source").equals("10.1.0.2") && a.evidence().get("destination").equals("198.51.100.2")
                && a.evidence().get("port").equals(CLOSED_PORT) && a.evidence().get("interface").equals("eth1")
                && a.severity() == Alarm.Severity.CRITICAL), denied.toString());
        assertTrue(denied.stream().anyMatch(a -> a.evidence().get("rule").equals("never internal-backbone-cleartext")
                && a.evidence().get("destination").equals("10.200.0.1")), denied.toString());
        assertTrue(denied.stream().anyMatch(a -> a.evidence().get("rule").equals("default deny (forward)")
                && a.evidence().get("source").equals("10.2.0.2") && a.evidence().get("destination").equals("192.0.2.2")));
        assertTrue(denied.stream().anyMatch(a -> a.evidence().get("rule").equals("default deny (input)")
                && a.evidence().get("destination").equals("10.255.0.1") && a.evidence().get("port").equals("22")));
        // the same records do not raise again
        assertEquals(0, enforcement.pollDenials());
    }

    @Test
    @Order(8)
    void aRuleInsertedByHandIsDriftAndIsRestored() {
        // a path only the default deny closes (never rules are enforced before routing as well, in prerouting)
        assertFalse(reaches(ext, "192.0.2.2"));
        lab.exec(box, "nft", "insert", "rule", "inet", "egov", "forward", "accept");
        assertTrue(reaches(ext, "192.0.2.2"), "the hand-made rule opens the path");
        Drift d = enforcement.verify();
        assertFalse(d.isClean());
        assertTrue(d.toString().contains("chain forward: rule added at position 1"), d.toString());
        List<Alarm> drift = telemetry.alarms(IsolationAlarms.POLICY_DRIFT);
        assertEquals(2, drift.size(), drift.toString());
        assertEquals(Alarm.Severity.CRITICAL, drift.get(0).severity());
        assertTrue(drift.get(0).evidence().get("differences").contains("rule added"));
        assertEquals(Alarm.Severity.CLEARED, drift.get(1).severity(), "restored at once: the condition is cleared");
        assertEquals(1, telemetry.alarms(IsolationAlarms.POLICY_RESTORED).size());
        assertTrue(enforcement.verify().isClean());
        assertFalse(reaches(ext, "192.0.2.2"), "restored: the path is closed again");
    }

    @Test
    @Order(9)
    void applyingTheSamePolicyTwiceChangesNothing() {
        String before = lab.exec(box, "nft", "-a", "list", "chain", "inet", "egov", "forward");
        ApplyResult r = enforcement.apply(BASELINE);
        assertEquals(ApplyResult.Status.UNCHANGED, r.status(), r.message());
        assertEquals(before, lab.exec(box, "nft", "-a", "list", "chain", "inet", "egov", "forward"), "same handles: not replaced");
        // a fresh enforcer (box restart) adopts the table instead of replacing it
        PolicyEnforcer fresh = new PolicyEnforcer(ProcessNft.inNamespace(box), Clock.systemUTC(), tmp.resolve("nft.lock"));
        assertEquals(ApplyResult.Status.UNCHANGED, fresh.apply(BASELINE).status());
        assertEquals(before, lab.exec(box, "nft", "-a", "list", "chain", "inet", "egov", "forward"));
    }

    @Test
    @Order(10)
    void aBrokenPolicyLeavesThePreviousRulesetInForce() throws IOException {
        Path broken = copyOfBaseline("broken");
        Path rules = broken.resolve("30-rules.policy");
        List<String> lines = Files.readAllLines(rules);
        int line = lines.indexOf("    to internet-access") + 1;
        assertTrue(line > 0);
        lines.set(line - 1, "    to internett");
        Files.write(rules, lines);
        String before = lab.exec(box, "nft", "-a", "list", "table", "inet", "egov");
        ApplyResult r = enforcement.apply(broken);
        assertEquals(ApplyResult.Status.REJECTED, r.status());
        assertTrue(r.message().contains("30-rules.policy:" + line + ": error: field 'to': unknown zone 'internett'"), r.message());
        Alarm alarm = telemetry.alarms(IsolationAlarms.POLICY_REJECTED).get(0);
        assertTrue(alarm.evidence().get("errors").contains("30-rules.policy:" + line), alarm.toString());
        assertEquals("REJECTED", telemetry.last(BoxMetrics.ISOLATION_APP, BoxMetrics.POLICY_RESOURCE).stringMetric(BoxMetrics.POLICY_STATE));
        String after = lab.exec(box, "nft", "-a", "list", "table", "inet", "egov");
        assertEquals(stripCounters(before), stripCounters(after));
        assertFalse(reaches(lan, "198.51.100.2"));
        assertTrue(reaches(lan, "10.200.0.1"));
    }

    @Test
    @Order(11)
    void aRulesetTheKernelRefusesLeavesThePreviousInForce() throws IOException {
        // The language cannot express a ruleset that this kernel refuses, so the refusal is made
        // real by handing nft a ruleset it cannot load: the policy refers to a chain type this nft
        // does not know once rendered with a broken hook name (as an older kernel would refuse a feature).
        PolicyEnforcer refusing = new PolicyEnforcer((args, stdin) -> ProcessNft.inNamespace(box).run(args,
                stdin == null ? null : stdin.replace("hook forward", "hook forwardx")), Clock.systemUTC(), tmp.resolve("nft.lock"));
        Path next = copyOfBaseline("next");
        Path zones = next.resolve("10-zones.policy");
        Files.writeString(zones, Files.readString(zones).replace("version 2026.11-2", "version 2026.11-3"));
        String before = lab.exec(box, "nft", "-a", "list", "chain", "inet", "egov", "forward");
        ApplyResult r = refusing.apply(next);
        assertEquals(ApplyResult.Status.REJECTED, r.status());
        assertTrue(r.message().contains("nft refused the ruleset") && r.message().contains("forwardx"), r.message());
        assertEquals(before, lab.exec(box, "nft", "-a", "list", "chain", "inet", "egov", "forward"));
    }

    private static Path copyOfBaseline(String name) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(BASELINE)) {
            for (Path f : s.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }

    private static String stripCounters(String s) {
        return s.replaceAll("counter packets \\d+ bytes \\d+", "counter").replaceAll("expires \\S+", "")
                .replaceAll("elements = \\{[^}]*\\}", "");
    }

    @Test
    @Order(12)
    void tableRemovedByHandIsDrift() {
        lab.exec(box, "nft", "delete", "table", "inet", "egov");
        assertNotEquals(Drift.NONE, enforcement.verify());
        assertTrue(telemetry.alarms(IsolationAlarms.POLICY_DRIFT).stream().filter(a -> a.severity() != Alarm.Severity.CLEARED)
                .anyMatch(a -> a.evidence().get("differences").contains("table inet egov is missing")));
        assertTrue(enforcement.verify().isClean(), "auto-restore put it back");
    }

    @Test
    @Order(13)
    void aFreshProcessListsOnlyPolicyInfoBeforeReplacingAnotherPolicy() throws IOException {
        // the CLI's case (nothing in force in this process): which policy the live table holds is
        // all that decides the apply, so the table's elements are listed once, after nft -f
        List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        NftCommand recording = (args, stdin) -> {
            calls.add(String.join(" ", args));
            return ProcessNft.inNamespace(box).run(args, stdin);
        };
        Path next = copyOfBaseline("fresh-next");
        Path zones = next.resolve("10-zones.policy");
        Files.writeString(zones, Files.readString(zones).replace("version 2026.11-2", "version 2026.11-4"));
        ApplyResult r = new PolicyEnforcer(recording, Clock.systemUTC(), tmp.resolve("nft.lock")).apply(next);
        assertEquals(ApplyResult.Status.APPLIED, r.status(), r.message());
        assertTrue(r.message().startsWith("replaced hebei-baseline 2026.11-2"), r.message());
        assertEquals(List.of("-j list chain inet egov policy_info", "-f -", "-j list table inet egov"), calls);
        assertTrue(r.drift().isClean(), r.drift().toString());

        // the same policy again: its hash is in policy_info, so the whole table is read and compared
        calls.clear();
        PolicyEnforcer again = new PolicyEnforcer(recording, Clock.systemUTC(), tmp.resolve("nft.lock"));
        assertEquals(ApplyResult.Status.UNCHANGED, again.apply(next).status());
        assertEquals(List.of("-j list chain inet egov policy_info", "-j list table inet egov"), calls);
        assertTrue(again.inForce().orElseThrow().drift().isClean());
        // and the read-back of a fresh apply is exact: a rule changed by hand after it is named
        assertTrue(again.verify().isClean());
        lab.exec(box, "nft", "insert", "rule", "inet", "egov", "forward", "accept");
        assertTrue(again.verify().differences().stream().anyMatch(d -> d.contains("chain forward")), again.verify().toString());
        assertEquals(ApplyResult.Status.APPLIED, enforcement.apply(BASELINE).status());
    }
}
