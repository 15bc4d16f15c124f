package cn.egov.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.identity.BoxIdentity;
import cn.egov.isolation.enforce.ApplyResult;
import cn.egov.isolation.enforce.Drift;
import cn.egov.isolation.enforce.InForce;
import cn.egov.isolation.enforce.IsolationAlarms;
import cn.egov.isolation.enforce.PolicyEnforcement;
import cn.egov.isolation.enforce.ProcessNft;
import cn.egov.isolation.capture.LiveCapture;
import cn.egov.isolation.monitor.LiveMonitor;
import cn.egov.isolation.monitor.MonitorPolicyLoader;
import cn.egov.isolation.route.ProcessIp;
import cn.egov.isolation.route.RouteGuardSettings;
import cn.egov.isolation.route.RouteIsolation;
import cn.egov.lab.NetLab;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.lab.BackboneTunnelLab;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.rules.policy.PolicyLoader;
import cn.egov.rules.unit.UnitCode;
import cn.egov.telemetry.TelemetryRuntime;
import cn.egov.telemetry.TelemetrySettings;
import cn.egov.telemetry.mqtt.MqttSettings;
import cn.egov.telemetry.outbox.OutboxSettings;
import cn.egov.vpn.Backoff;
import cn.egov.vpn.TunnelStatus;
import cn.egov.vpn.TunnelWatcher;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3's first "must be shown" in one run: the shipped baseline policy in force on a box, a
 * real strongSwan tunnel to the backbone hub, and every denied attempt reaching the manager.
 *
 * <pre>
 *   lan  10.6.8.5      ── eth1 ┐                                     ┌ wan0 192.0.2.2  hub: backbone host 10.200.0.1 (lo),
 *   ext  10.2.0.2      ── eth2 ┤ box  eth0 192.0.2.1 ────────────────┘                 "Internet via uplink" 198.51.100.200 (lo)
 *   inet 198.51.100.2  ── eth3 ┘      ipsec0: box charon ══ ESP in UDP/4500 ══ hub charon, ipsec0
 * </pre>
 *
 * <p>Where things run: the five hosts are network namespaces. nft, ip, tcp probes and both
 * charon-systemd daemons (kernel-libipsec, TUN {@code ipsec0}) run <em>inside</em> them; the box's
 * Java code (the enforcement loop {@link PolicyEnforcement} with its {@code DenialWatcher}, the
 * traffic monitor {@link LiveMonitor}, the tunnel's {@link TunnelWatcher}, the telemetry runtime
 * with its SQLite outbox and Paho publisher) runs in this test JVM in the host namespace and reaches
 * into the box namespace only through {@code ip netns exec box nft}, the daemons' VICI sockets and
 * (the monitor's capture threads) {@code setns} into the box namespace. The manager ({@link ManagerAssembly}: embedded Artemis,
 * SQLite, Jetty, on ports 0 of the host's loopback) runs here too; the box's MQTT client talks to it
 * over loopback, which stands in for the management path through the tunnel.
 *
 * <p>The test drives the enforcement loop at the moments {@code PolicyEnforcementComponent}'s
 * timers would ({@code apply}, then the route guard {@link RouteIsolation}, on by default, which
 * leaves the internal zone no route to the Internet; {@code pollDenials}; {@code verify}); everything after that
 * (outbox, MQTT, ingestion, REST) is asynchronous and awaited by polling with a deadline.
 *
 * <p>Evidence that traffic used the tunnel and nothing leaked: named nft counters on the hub
 * ({@code labwatch} table, the hub's own, not the box's): clear-text packets to the backbone on the
 * hub's uplink {@code wan0}, ESP-in-UDP arriving on {@code wan0}, and packets from the LAN arriving on
 * the hub's {@code ipsec0}; plus the box's CHILD SA packet counters. A control before the policy shows
 * that the clear-text counter does see a leak. Reachability is a TCP connect to a closed port:
 * "refused" means the SYN arrived, a timeout that it was dropped. Attempts "from the box" are made
 * inside the box namespace, so they pass the box's output chain like the box's own traffic would.
 */
class IsolationEndToEndTest {

    private static final Path BASELINE = Path.of("../../rules/policy/baseline").toAbsolutePath().normalize();
    private static final Path PLAN = Path.of("../../rules/plan").toAbsolutePath().normalize();
    private static final UnitCode UNIT = UnitCode.parse("130602-001");
    /** The unit's internal allocation in rules/plan is 10.6.8.0/25: the monitor places the LAN host by it. */
    private static final String LAN_NET = "10.6.8.0/25";
    private static final String LAN_HOST = "10.6.8.5";
    private static final String EXT_HOST = "10.2.0.2";
    private static final String INET_HOST = "198.51.100.2";
    /** The box's own address on its internet-access interface eth3. */
    private static final String BOX_INET = "198.51.100.1";
    /** An Internet address the box routes out of its backbone uplink: the wrong way to the Internet. */
    private static final String INET_VIA_UPLINK = "198.51.100.200";
    private static final String BACKBONE_HOST = "10.200.0.1";
    private static final String BACKBONE_NET = "10.200.0.0/16";
    private static final String HUB_WAN = "192.0.2.2";
    private static final String CLOSED_PORT = "9";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path tmp;

    static ManagerAssembly manager;
    static NetLab lab;
    static String box;
    static String lan;
    static String ext;
    static String hub;
    static String inet;
    static BackboneTunnelLab tunnel;
    static TelemetryRuntime telemetry;
    static TunnelWatcher watcher;
    static PolicyEnforcement enforcement;
    static LiveMonitor monitor;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void boxHubAndManager() throws Exception {
        manager = ManagerFixture.start(Files.createDirectories(tmp.resolve("manager")));
        lab = NetLab.create("e2e");
        box = lab.host("box");
        lan = lab.host("lan");
        ext = lab.host("ext");
        hub = lab.host("hub");
        inet = lab.host("inet");
        // the baseline's interface names: eth0 uplink, eth1 internal, eth2 external, eth3 internet-access, ipsec0 tunnel
        lab.link(box, "eth1", "10.6.8.1/25", lan, "eth0", LAN_HOST + "/25");
        lab.link(box, "eth2", "10.2.0.1/24", ext, "eth0", EXT_HOST + "/24");
        lab.link(box, "eth3", BOX_INET + "/24", inet, "eth0", INET_HOST + "/24");
        lab.link(box, "eth0", "192.0.2.1/24", hub, "wan0", HUB_WAN + "/24");
        lab.forwarding(box);
        lab.exec(lan, "ip", "route", "add", "default", "via", "10.6.8.1");
        lab.exec(ext, "ip", "route", "add", "default", "via", "10.2.0.1");
        lab.exec(inet, "ip", "route", "add", "10.0.0.0/8", "via", BOX_INET);
        lab.exec(hub, "ip", "addr", "add", BACKBONE_HOST + "/32", "dev", "lo");
        lab.exec(hub, "ip", "addr", "add", INET_VIA_UPLINK + "/32", "dev", "lo");
        // clear-text return paths: with the tunnel down (and no policy) replies would flow in clear
        lab.exec(hub, "ip", "route", "add", LAN_NET, "via", "192.0.2.1");
        lab.exec(hub, "ip", "route", "add", "10.2.0.0/16", "via", "192.0.2.1");
        // the box's default route is its uplink: without the tunnel, backbone traffic would leave in clear
        lab.exec(box, "ip", "route", "add", "default", "via", HUB_WAN);
        lab.exec(box, "ip", "route", "add", INET_VIA_UPLINK + "/32", "via", HUB_WAN);
        lab.exec(hub, "nft", "-f", Files.writeString(tmp.resolve("hub-counters.nft"), watchCounters()).toString());
        lab.exec(inet, "nft", "-f", Files.writeString(tmp.resolve("inet-counters.nft"), inetCounters()).toString());

        tunnel = BackboneTunnelLab.start(lab, box, hub, tmp.resolve("tunnel"), UNIT, LAN_NET, BACKBONE_NET, HUB_WAN, List.of());
        BoxIdentity identity = new BoxIdentity(UNIT, "SN-E2E-1", "竞秀区水利局");
        MqttSettings mqtt = new MqttSettings(manager.brokerUrl(), MqttSettings.DEFAULT_ACCOUNT, UNIT.toString(),
                ManagerFixture.labPassword(manager, UNIT.toString()).toCharArray(),
                Duration.ofMillis(100), Duration.ofSeconds(1), MqttSettings.DEFAULT_MAX_INFLIGHT, MqttSettings.DEFAULT_KEEP_ALIVE, null);
        telemetry = TelemetryRuntime.start(identity,
                new TelemetrySettings(mqtt, OutboxSettings.of(tmp.resolve("outbox.db"), 1000), Duration.ofMinutes(10)), "none");
        watcher = new TunnelWatcher(tunnel.boxCharon().control(), tunnel.spec().name(), HUB_WAN, telemetry.publisher(),
                new Backoff(Duration.ofMillis(500), Duration.ofSeconds(2)), Duration.ofSeconds(60), Clock.systemUTC());
        enforcement = new PolicyEnforcement(ProcessNft.inNamespace(box), telemetry.publisher(), Clock.systemUTC(),
                tmp.resolve("nft.lock"), false);
    }

    @AfterAll
    static void tearDown() throws Exception {
        // each step runs even when an earlier one fails: no daemon or namespace outlives the test
        List<Exception> failures = new ArrayList<>();
        for (AutoCloseable c : new AutoCloseable[] {monitor, telemetry, tunnel, lab, manager}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    @Test
    void baselineWithRealTunnelDeniesAndReportsEveryViolationToTheManager() throws Exception {
        awaitTunnel(TunnelStatus::up, "tunnel up with the provincial CA's certificates");

        // --- control, no policy yet: every path below is open, and the leak counter can see a leak
        assertTrue(reaches(lan, INET_HOST), "control: the lab routes internal -> Internet");
        assertTrue(counter(inet, "from_internal") > 0, "control: the Internet host counts packets from the internal net");
        assertTrue(reaches(ext, INET_VIA_UPLINK), "control: the lab routes external -> Internet via the uplink");
        assertTrue(reaches(box, INET_HOST), "control: the box itself reaches the Internet host");
        tunnelDown();
        assertTrue(reaches(lan, BACKBONE_HOST), "control: with the tunnel down the backbone is reachable in clear via eth0");
        assertTrue(counter(hub, "clear_to_backbone") > 0, "control: the hub counts a clear-text leak on its uplink");
        tunnelUp();

        // --- the shipped baseline in force, reported to the manager
        ApplyResult applied = enforcement.apply(BASELINE);
        assertEquals(ApplyResult.Status.APPLIED, applied.status(), applied.message());
        // as PolicyEnforcementComponent does (route guard on by default): no route from the internal zone to the Internet
        RouteIsolation routes = new RouteIsolation(ProcessIp.inNamespace(box),
                RouteGuardSettings.defaults(RouteGuardSettings.defaultProbes()), telemetry.publisher()::alarm, Clock.systemUTC());
        enforcement.addToState(routes::addMetrics);
        routes.follow(PolicyLoader.load(BASELINE, LocalDate.now()).policyOrThrow());
        RouteIsolation.Report guarded = routes.run();
        assertEquals("NO_ROUTE", guarded.state(), guarded.toString());
        NetLab.Result noRoute = lab.tryExec(box, "ip", "route", "get", INET_HOST, "from", LAN_HOST, "iif", "eth1");
        assertFalse(noRoute.ok(), "the kernel has no route from the internal zone to the Internet host: " + noRoute);
        assertTrue(enforcement.verify().isClean(), "the first read-back (the component's verify timer) matches");
        InForce inForce = enforcement.enforcer().inForce().orElseThrow();
        JsonNode unit = awaitUnit(u -> "IN_FORCE".equals(u.path("state").asText()) && "NO_ROUTE".equals(u.path("routeState").asText()),
                "policy in force, verified, and no route to the Internet reported");
        assertTrue(unit.path("verifiedAt").asLong() >= inForce.appliedAt(), unit.toString());
        assertTrue(unit.path("routeCheckedAt").asLong() > 0, unit.toString());
        assertEquals(0, unit.path("routeFindings").asLong(), unit.toString());
        assertEquals(inForce.ruleset().policyName(), unit.path("name").asText());
        assertEquals(inForce.ruleset().version(), unit.path("version").asText());
        assertEquals(inForce.ruleset().sha256(), unit.path("sha256").asText());
        assertFalse(unit.path("drift").asBoolean());
        // the monitor watches the LAN interfaces with the same policy and the unit's plan allocations
        MonitorPolicyLoader.Loaded watched = MonitorPolicyLoader.load(BASELINE, PLAN, UNIT.toString(), LocalDate.now());
        monitor = LiveMonitor.start(watched.policy(), watched.identity(), new LiveMonitor.Settings(List.of("eth1", "eth2"),
                new LiveCapture.Settings(128, 4 << 20, true, true, box), 1024, 100, 100, 100, 60), telemetry.publisher());
        long clearBefore = counter(hub, "clear_to_backbone");
        long internalSeenByInternet = counter(inet, "from_internal");

        // --- internal -> Internet fails
        assertFalse(reaches(lan, INET_HOST), "internal -> Internet must fail");
        assertEquals(internalSeenByInternet, counter(inet, "from_internal"), "no internal packet reached the Internet host");

        // --- internal -> backbone passes, through the tunnel and nowhere else
        TunnelStatus before = watcher.poll();
        long espBefore = counter(hub, "esp_on_uplink");
        long viaTunnelBefore = counter(hub, "lan_via_tunnel");
        assertTrue(reaches(lan, BACKBONE_HOST), "internal -> backbone through the tunnel");
        TunnelStatus after = watcher.poll();
        assertTrue(after.packetsOut() > before.packetsOut() && after.packetsIn() > before.packetsIn(),
                "the box's CHILD SA carried the connection: " + before + " -> " + after);
        assertTrue(counter(hub, "esp_on_uplink") > espBefore, "ESP in UDP/4500 arrived on the hub's uplink");
        assertTrue(counter(hub, "lan_via_tunnel") > viaTunnelBefore, "the LAN host's packet came out of the hub's ipsec0");
        assertEquals(clearBefore, counter(hub, "clear_to_backbone"), "nothing to the backbone in clear on the hub's uplink");

        // --- and is dropped, not leaked, when the tunnel is down
        tunnelDown();
        assertFalse(reaches(lan, BACKBONE_HOST), "tunnel down: internal -> backbone must fail closed");
        assertEquals(clearBefore, counter(hub, "clear_to_backbone"), "tunnel down: no clear-text packet on the hub's uplink");
        tunnelUp();
        assertTrue(reaches(lan, BACKBONE_HOST), "tunnel back: internal -> backbone passes again");
        assertEquals(clearBefore, counter(hub, "clear_to_backbone"));

        // --- external -> Internet only through internet-access; other cross-zone attempts denied
        long externalSeenByInternet = counter(inet, "from_external");
        assertTrue(reaches(ext, INET_HOST), "external -> Internet through eth3 (internet-access)");
        assertTrue(counter(inet, "from_external") > externalSeenByInternet, "the Internet host saw it on its link to eth3");
        assertFalse(reaches(ext, INET_VIA_UPLINK), "external -> Internet routed out of the backbone uplink is denied");
        assertFalse(reaches(ext, BACKBONE_HOST), "external -> backbone is denied");
        assertFalse(reaches(ext, LAN_HOST), "external -> internal is denied");
        // the box's own traffic (output chain): it forwards the external network's, but starts nothing towards the Internet
        assertFalse(reaches(box, INET_HOST), "box -> Internet is denied");

        // --- every denied attempt becomes an alarm that reaches the manager. The route guard refuses the two
        // internal attempts before forward could see them: their records come from the prerouting chain.
        int denials = enforcement.pollDenials();
        assertTrue(denials >= 6, "denial records turned into alarms: " + denials);
        List<Expected> expected = List.of(
                new Expected("never internal-internet", LAN_HOST, INET_HOST, "eth1", "CRITICAL"),
                new Expected("never internal-backbone-cleartext", LAN_HOST, BACKBONE_HOST, "eth1", "CRITICAL"),
                new Expected("default deny (forward)", EXT_HOST, INET_VIA_UPLINK, "eth2", "MAJOR"),
                new Expected("default deny (forward)", EXT_HOST, BACKBONE_HOST, "eth2", "MAJOR"),
                new Expected("never internal-external", EXT_HOST, LAN_HOST, "eth2", "CRITICAL"),
                new Expected("never box-internet", BOX_INET, INET_HOST, "eth3", "CRITICAL"));
        JsonNode alarms = awaitAlarms("?unit=" + UNIT + "&kind=" + IsolationAlarms.DENIED,
                list -> expected.stream().allMatch(e -> e.in(list)), "every denied attempt in /api/policy/alarms: " + expected);
        for (JsonNode a : alarms) {
            assertEquals(UNIT.toString(), a.path("clientId").asText());
            assertEquals(IsolationAlarms.DENIED, a.path("alarm").path("kind").asText());
        }
        // the allowed flows raised nothing
        assertFalse(contains(alarms, LAN_HOST, BACKBONE_HOST, "default deny (forward)"), alarms.toString());
        assertFalse(contains(alarms, EXT_HOST, INET_HOST, null), "external -> Internet is allowed: " + alarms);
        // the monitor's findings on the LAN interfaces reached the manager as well: 违规外联 and cross-zone attempts
        List<Finding> findings = List.of(
                new Finding("isolation.outbound", LAN_HOST, INET_HOST, "eth1"),
                new Finding("isolation.cross-zone", EXT_HOST, LAN_HOST, "eth2"),
                new Finding("isolation.cross-zone", EXT_HOST, BACKBONE_HOST, "eth2"));
        JsonNode seen = awaitAlarms("?unit=" + UNIT, list -> findings.stream().allMatch(f -> f.in(list)),
                "the monitor's findings in /api/policy/alarms: " + findings);
        for (JsonNode a : seen) {
            JsonNode ev = a.path("alarm").path("evidence");
            assertFalse(LAN_HOST.equals(ev.path("src").asText()) && BACKBONE_HOST.equals(ev.path("dst").asText()),
                    "internal -> backbone is an allowed flow, not a finding: " + a);
            assertFalse(EXT_HOST.equals(ev.path("src").asText()) && INET_HOST.equals(ev.path("dst").asText()),
                    "external -> Internet is an allowed flow, not a finding: " + a);
        }
        // 私接设备: the external host's 10.2.0.2 lies outside the unit's external allocation in rules/plan
        // (198.18.80.16/28), so the monitor reports it as an unplanned host; the LAN host is inside 10.6.8.0/25
        JsonNode unplanned = awaitAlarms("?unit=" + UNIT + "&kind=isolation.unplanned-host",
                list -> unplannedHost(list, EXT_HOST, "eth2") != null, "the unplanned external host in /api/policy/alarms");
        JsonNode stray = unplannedHost(unplanned, EXT_HOST, "eth2");
        assertEquals("198.18.80.16/28", stray.path("alarm").path("evidence").path("planned").asText(), stray.toString());
        assertEquals("MAJOR", stray.path("alarm").path("severity").asText());
        assertNull(unplannedHost(unplanned, LAN_HOST, "eth1"), unplanned.toString());
        // readers: the auditor sees the same list, nobody else sees anything
        HttpResponse<String> asAuditor = get("/api/policy/alarms?unit=" + UNIT + "&kind=" + IsolationAlarms.DENIED,
                ManagerFixture.AUDITOR_TOKEN);
        assertEquals(200, asAuditor.statusCode(), asAuditor.body());
        JsonNode auditorList = JSON.readTree(asAuditor.body()).path("alarms");
        assertTrue(expected.stream().allMatch(e -> e.in(auditorList)), auditorList.toString());
        assertEquals(401, get("/api/policy/alarms", null).statusCode());
        assertEquals(401, get("/api/policy/units", null).statusCode());

        // --- a rule inserted by hand is drift, on the box and at the manager
        lab.exec(box, "nft", "insert", "rule", "inet", "egov", "forward", "accept");
        // it opens a path only the default deny closed (never rules hold in prerouting too)
        assertTrue(reaches(ext, INET_VIA_UPLINK), "the hand-made rule really opens external -> Internet via the uplink");
        routes.run();
        Drift drift = enforcement.verify();
        assertFalse(drift.isClean());
        assertTrue(drift.toString().contains("rule added"), drift.toString());
        JsonNode drifted = awaitUnit(u -> u.path("drift").asBoolean() && "DRIFT".equals(u.path("state").asText()),
                "drift shown for the unit in /api/policy/units");
        assertEquals(inForce.ruleset().version(), drifted.path("version").asText());
        assertTrue(drifted.path("alarms24h").asInt() >= expected.size() + 1, drifted.toString());
        JsonNode driftAlarms = awaitAlarms("?unit=" + UNIT + "&kind=" + IsolationAlarms.POLICY_DRIFT, list -> list.size() == 1,
                "one drift alarm");
        assertTrue(driftAlarms.get(0).path("alarm").path("evidence").path("differences").asText().contains("rule added"),
                driftAlarms.toString());
        assertEquals("CRITICAL", driftAlarms.get(0).path("alarm").path("severity").asText());
    }

    /** The unplanned-host alarm for an address on an interface, or null. */
    private static JsonNode unplannedHost(JsonNode alarms, String address, String iface) {
        for (JsonNode a : alarms) {
            JsonNode ev = a.path("alarm").path("evidence");
            if ("isolation.unplanned-host".equals(a.path("alarm").path("kind").asText()) && address.equals(ev.path("src").asText())
                    && iface.equals(ev.path("interface").asText()) && !ev.path("seen").asText().isEmpty()) {
                return a;
            }
        }
        return null;
    }

    /** One finding of the traffic monitor as the manager must list it (evidence keys of {@code FlowClassifier}). */
    private record Finding(String kind, String src, String dst, String iface) {
        boolean in(JsonNode alarms) {
            for (JsonNode a : alarms) {
                JsonNode ev = a.path("alarm").path("evidence");
                if (kind.equals(a.path("alarm").path("kind").asText()) && src.equals(ev.path("src").asText())
                        && dst.equals(ev.path("dst").asText()) && iface.equals(ev.path("interface").asText())
                        && CLOSED_PORT.equals(ev.path("dport").asText()) && !ev.path("rule").asText().isEmpty()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** One denied attempt as the manager must list it. */
    private record Expected(String rule, String source, String destination, String iface, String severity) {
        boolean in(JsonNode alarms) {
            for (JsonNode a : alarms) {
                JsonNode ev = a.path("alarm").path("evidence");
                if (rule.equals(ev.path("rule").asText()) && source.equals(ev.path("source").asText())
                        && destination.equals(ev.path("destination").asText()) && iface.equals(ev.path("interface").asText())
                        && CLOSED_PORT.equals(ev.path("port").asText()) && "tcp".equals(ev.path("protocol").asText())
                        && severity.equals(a.path("alarm").path("severity").asText())) {
                    return true;
                }
            }
            return false;
        }
    }

    private static boolean contains(JsonNode alarms, String source, String destination, String rule) {
        for (JsonNode a : alarms) {
            JsonNode ev = a.path("alarm").path("evidence");
            if (source.equals(ev.path("source").asText()) && destination.equals(ev.path("destination").asText())
                    && (rule == null || rule.equals(ev.path("rule").asText()))) {
                return true;
            }
        }
        return false;
    }

    /** Stops the box's charon: SAs deleted (the hub is told), ipsec0 and routing table 220 gone. */
    private static void tunnelDown() throws Exception {
        tunnel.boxCharon().stop();
        assertFalse(watcher.poll().up(), "tunnel down");
        assertFalse(lab.exec(box, "ip", "-o", "link").contains("ipsec0"), "ipsec0 removed with the daemon");
    }

    private static void tunnelUp() throws Exception {
        tunnel.boxCharon().start();
        awaitTunnel(TunnelStatus::up, "tunnel up again after the daemon restart");
    }

    /** Polls the watcher (as the VPN component's schedule would) until the condition holds. */
    private static TunnelStatus awaitTunnel(Predicate<TunnelStatus> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        TunnelStatus s = watcher.poll();
        while (!condition.test(s)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; last status " + s);
            }
            Thread.sleep(100);
            s = watcher.poll();
        }
        return s;
    }

    /** True when a TCP SYN from {@code ns} reached {@code addr} (answered by a reset); false when dropped. */
    private static boolean reaches(String ns, String addr) {
        NetLab.Result r = lab.tryExec(ns, "timeout", "2", "bash", "-c", "echo > /dev/tcp/" + addr + "/" + CLOSED_PORT);
        assertTrue(r.exitCode() == 1 || r.exitCode() == 124, "unexpected outcome of a connect to " + addr + ": " + r);
        return r.exitCode() == 1 && r.output().contains("refused");
    }

    /**
     * The hub's own counters (not the box's table): clear-text packets to the backbone and ESP in
     * UDP arriving on its uplink, and packets from the box's LAN coming out of its tunnel.
     */
    private static String watchCounters() {
        return "table inet labwatch {\n"
                + "  counter clear_to_backbone {}\n"
                + "  counter esp_on_uplink {}\n"
                + "  counter lan_via_tunnel {}\n"
                + "  chain pre {\n"
                + "    type filter hook prerouting priority -300; policy accept;\n"
                + "    iifname \"wan0\" ip daddr " + BACKBONE_NET + " counter name clear_to_backbone\n"
                + "    iifname \"wan0\" udp dport 4500 counter name esp_on_uplink\n"
                + "    iifname \"ipsec0\" ip saddr " + LAN_NET + " counter name lan_via_tunnel\n"
                + "  }\n"
                + "}\n";
    }

    /** The Internet host counts what arrives from the unit's internal and external networks. */
    private static String inetCounters() {
        return "table inet labwatch {\n"
                + "  counter from_internal {}\n"
                + "  counter from_external {}\n"
                + "  chain pre {\n"
                + "    type filter hook prerouting priority -300; policy accept;\n"
                + "    ip saddr " + LAN_NET + " counter name from_internal\n"
                + "    ip saddr 10.2.0.0/16 counter name from_external\n"
                + "  }\n"
                + "}\n";
    }

    private static final Pattern PACKETS = Pattern.compile("packets (\\d+)");

    private static long counter(String ns, String name) {
        String out = lab.exec(ns, "nft", "list", "counter", "inet", "labwatch", name);
        Matcher m = PACKETS.matcher(out);
        assertTrue(m.find(), "counter " + name + ": " + out);
        return Long.parseLong(m.group(1));
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(manager.webUrl() + path));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** Polls {@code /api/policy/units} as the NOC until this unit's entry satisfies {@code ok}. */
    private JsonNode awaitUnit(Predicate<JsonNode> ok, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get("/api/policy/units", ManagerFixture.NOC_TOKEN);
            assertEquals(200, r.statusCode(), r.body());
            last = r.body();
            for (JsonNode u : JSON.readTree(r.body()).path("units")) {
                if (UNIT.toString().equals(u.path("unit").asText()) && ok.test(u)) {
                    return u;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what + "; last answer: " + last);
    }

    /** Polls {@code /api/policy/alarms} as the NOC until the list satisfies {@code ok}. */
    private JsonNode awaitAlarms(String query, Predicate<JsonNode> ok, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get("/api/policy/alarms" + query, ManagerFixture.NOC_TOKEN);
            assertEquals(200, r.statusCode(), r.body());
            last = r.body();
            JsonNode list = JSON.readTree(r.body()).path("alarms");
            if (ok.test(list)) {
                return list;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what + "; last answer: " + last);
    }
}
