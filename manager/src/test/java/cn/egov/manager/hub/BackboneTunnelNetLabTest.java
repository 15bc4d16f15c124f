package cn.egov.manager.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.lab.NetLab;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.PemFiles;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.lab.BackboneTunnelLab;
import cn.egov.manager.lab.CharonDaemon;
import cn.egov.manager.ca.RevocationReason;
import cn.egov.rules.nft.NftablesCompiler;
import cn.egov.rules.policy.PolicyLoad;
import cn.egov.rules.policy.PolicyLoader;
import cn.egov.rules.unit.UnitCode;
import cn.egov.vpn.Backoff;
import cn.egov.vpn.SubjectIds;
import cn.egov.vpn.TunnelSpec;
import cn.egov.vpn.TunnelStatus;
import cn.egov.vpn.TunnelWatcher;
import cn.egov.vpn.swanctl.CharonSettings;
import cn.egov.vpn.swanctl.SwanctlConfigWriter;
import cn.egov.vpn.swanctl.TrafficSelector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tunnel end to end in network namespaces: a box and the backbone hub, each with its own
 * charon (kernel-libipsec), certificates from the provincial CA ({@link ProvincialCa}), the hub
 * running the configuration {@link HubConfigGenerator} made, the box the one {@link TunnelSpec}
 * renders, and the box's {@link TunnelWatcher} keeping it up.
 *
 * <pre>
 *  lan (10.8.1.2) --eth1-- box (10.8.1.1 | eth0 192.0.2.1) ==== (192.0.2.2 wan0) hub (eth1 10.200.1.1) -- backbone (10.200.1.2)
 * </pre>
 *
 * The tests share one lab (daemons start in ~0.1 s, the namespaces and the CA cost more) and run
 * in order; each one first brings the tunnel to the state it needs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackboneTunnelNetLabTest {

    private static final UnitCode UNIT = UnitCode.parse("130602-001");
    private static final String LAN_NET = "10.8.1.0/24";
    private static final String BACKBONE_NET = "10.200.0.0/16";
    private static final String BACKBONE_HOST = "10.200.1.2";
    private static final String HUB_WAN = "192.0.2.2";
    private static final int ECHO_PORT = 7000;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path tmp;

    static NetLab lab;
    static String box;
    static String lan;
    static String hubNs;
    static String backbone;
    static BackboneTunnelLab tunnel;
    static ProvincialCa ca;
    static CharonDaemon boxCharon;
    static CharonDaemon hubCharon;
    static TunnelSpec spec;
    static HubSpec hubSpec;
    static RecordingTelemetry telemetry = new RecordingTelemetry();
    static TunnelWatcher watcher;
    static X509Certificate boxCert;
    static Process echo;

    @BeforeAll
    static void lab() throws Exception {
        lab = NetLab.create("vpn");
        box = lab.host("box");
        lan = lab.host("lan");
        hubNs = lab.host("hub");
        backbone = lab.host("bb");
        lab.link(box, "eth1", "10.8.1.1/24", lan, "eth0", "10.8.1.2/24");
        // Interface names as in the provincial isolation baseline (rules/policy/baseline): eth0 uplink, eth1 LAN.
        lab.link(box, "eth0", "192.0.2.1/24", hubNs, "wan0", HUB_WAN + "/24");
        lab.link(hubNs, "eth1", "10.200.1.1/24", backbone, "eth0", BACKBONE_HOST + "/24");
        lab.forwarding(box);
        lab.forwarding(hubNs);
        lab.exec(lan, "ip", "route", "add", "default", "via", "10.8.1.1");
        lab.exec(backbone, "ip", "route", "add", "default", "via", "10.200.1.1");
        // The box's default route is its WAN: without the tunnel and the guard, backbone traffic would leave in clear.
        lab.exec(box, "ip", "route", "add", "default", "via", HUB_WAN);

        // CA, certificates, the hub's generated configuration (one unit plus a neighbour that never
        // connects) and the box's TunnelSpec: the shared fixture also used by the isolation e2e test.
        tunnel = BackboneTunnelLab.start(lab, box, hubNs, tmp, UNIT, LAN_NET, BACKBONE_NET, HUB_WAN,
                List.of(new HubUnit(UnitCode.parse("130602-002"), List.of(TrafficSelector.parse("test", "10.8.2.0/24")))));
        ca = tunnel.ca();
        boxCert = tunnel.boxCert();
        hubCharon = tunnel.hubCharon();
        hubSpec = tunnel.hubSpec();
        boxCharon = tunnel.boxCharon();
        spec = tunnel.spec();
        watcher = new TunnelWatcher(boxCharon.control(), spec.name(), HUB_WAN, telemetry,
                new Backoff(Duration.ofMillis(500), Duration.ofSeconds(2)), Duration.ofSeconds(60), Clock.systemUTC());

        echo = lab.start(backbone, java(), "-cp", System.getProperty("java.class.path"), UdpProbe.class.getName(),
                "server", BACKBONE_HOST, Integer.toString(ECHO_PORT));
        String ready = new String(echo.getInputStream().readNBytes(5));
        assertEquals("ready", ready, "UDP echo server in the backbone namespace did not start");
    }

    @AfterAll
    static void cleanup() throws Exception {
        if (echo != null) {
            echo.destroyForcibly();
        }
        if (tunnel != null) {
            tunnel.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    void tunnelComesUpWithProvincialCertificatesAndCarriesTraffic() throws Exception {
        TunnelStatus up = awaitStatus(TunnelStatus::up, "tunnel up");
        assertEquals(SubjectIds.of(hubCertFromSpec()), up.remoteId(), "the hub proved the identity the box expects");
        assertTrue(Files.readString(hubCharon.log()).contains("CN=" + UNIT), "hub authenticated the box as its unit");

        TunnelStatus before = watcher.poll();
        String out = probe(5);
        assertTrue(out.contains("answered 5 of 5"), "UDP through the tunnel: " + out);
        TunnelStatus after = watcher.poll();
        assertTrue(after.bytesOut() > before.bytesOut() && after.packetsOut() >= before.packetsOut() + 5,
                "out counters grew: " + before + " -> " + after);
        assertTrue(after.bytesIn() > before.bytesIn() && after.packetsIn() >= before.packetsIn() + 5,
                "in counters grew: " + before + " -> " + after);

        // A rekey keeps the tunnel up, gets a new SA, and is counted; the counters stay cumulative.
        boxCharon.control().rekeyChild(spec.name());
        TunnelStatus rekeyed = awaitStatus(s -> s.up() && s.rekeys() >= 1, "rekey counted");
        assertTrue(rekeyed.bytesOut() >= after.bytesOut(), "counters survive the rekey: " + rekeyed);

        List<RecordingTelemetry.Message> reports = telemetry.messages();
        assertTrue(reports.stream().anyMatch(m -> m.appId().equals(BoxMetrics.VPN_APP)
                && "UP".equals(m.payload().stringMetric("state"))), "UP state published: " + reports);
    }

    @Test
    @Order(2)
    void backboneTrafficDoesNotLeaveInClearWhenTheTunnelIsDown() throws Exception {
        awaitStatus(TunnelStatus::up, "tunnel up");
        // While up: the WAN carries ESP in UDP/4500 only, nothing addressed to the backbone in clear.
        assertEquals(0, clearPacketsOnWan(() -> probe(3)), "clear backbone packets on the WAN while the tunnel is up");

        // Tunnel gone entirely (daemon stopped: no SA, no trap policy, no ipsec0, no table 220).
        boxCharon.stop();
        TunnelStatus down = watcher.poll();
        assertFalse(down.up());
        // Control: without the guard rule backbone traffic would leave in clear through the default route.
        assertTrue(clearPacketsOnWan(() -> probe(2)) > 0, "without the guard, traffic leaks: the capture can see it");

        // The fail-closed rule (the isolation policy's rule, here as a minimal nft ruleset of our own).
        Path rules = tmp.resolve("guard.nft");
        Files.writeString(rules, guardRuleset(BACKBONE_NET, CharonSettings.LIBIPSEC_INTERFACE));
        lab.exec(box, "nft", "-f", rules.toString());
        try {
            assertEquals(0, clearPacketsOnWan(() -> probe(2)), "with the guard no backbone packet leaves in clear");
        } finally {
            boxCharon.start();
        }
        // With the guard in place the tunnel comes back and carries traffic again.
        awaitStatus(TunnelStatus::up, "tunnel up again after the daemon restart");
        String out = probe(3);
        assertTrue(out.contains("answered 3 of 3"), "traffic through the tunnel passes the guard: " + out);
    }

    @Test
    @Order(3)
    void theProvincialIsolationPolicyPassesTheTunnelAndFailsClosedWithIt() throws Exception {
        awaitStatus(TunnelStatus::up, "tunnel up");
        // The isolation engineer's compiler on the province's baseline policy (tunnel backbone-vpn
        // via ipsec0, peer 192.0.2.2, backbone 10.200.0.0/16): the real ruleset, not our guard.
        PolicyLoad load = PolicyLoader.load(Path.of("../rules/policy/baseline"), LocalDate.now());
        assertTrue(load.ok(), "baseline policy loads: " + load);
        Path rules = tmp.resolve("baseline.nft");
        Files.writeString(rules, NftablesCompiler.compile(load.policy(), LocalDate.now()).text());
        lab.exec(box, "nft", "-f", rules.toString());
        try {
            assertTrue(probe(3).contains("answered 3 of 3"), "the policy lets the LAN reach the backbone through the tunnel");
            boxCharon.stop();
            assertFalse(watcher.poll().up());
            int[] answered = new int[1];
            assertEquals(0, clearPacketsOnWan(() -> answered[0] = probe(2).contains("answered 0 of 2") ? 0 : 1),
                    "with the tunnel down the policy lets no backbone packet leave in clear");
            assertEquals(0, answered[0], "and nothing reaches the backbone");
        } finally {
            if (!boxCharon.running()) {
                boxCharon.start();
            }
        }
        awaitStatus(TunnelStatus::up, "tunnel up again under the isolation policy");
        assertTrue(probe(3).contains("answered 3 of 3"), "traffic flows again under the policy");
        lab.exec(box, "nft", "delete", "table", "inet", "egov");
    }

    @Test
    @Order(4)
    void watcherReportsDownWhenTheHubStopsAndRestartsTheTunnelWhenItReturns() throws Exception {
        awaitStatus(TunnelStatus::up, "tunnel up");
        telemetry.clear();
        long initiationsBefore = watcher.status().initiations();

        hubCharon.stop();
        TunnelStatus down = awaitStatus(s -> !s.up(), "down after the hub stopped");
        assertTrue(alarms().stream().anyMatch(a -> a.severity() == Alarm.Severity.MAJOR
                && a.kind().equals(BoxMetrics.VPN_DOWN_ALARM)), "down alarm raised: " + telemetry.messages());
        // While the hub is away the watcher keeps trying, with backoff, and says why it fails.
        TunnelStatus failing = awaitStatus(s -> !s.up() && s.failures() >= 1 && s.lastError() != null, "failed restart");
        assertTrue(failing.initiations() > initiationsBefore, "restart attempted: " + failing);

        hubCharon.start();
        hubCharon.control().loadAll();
        TunnelStatus back = awaitStatus(TunnelStatus::up, "up again after the hub returned");
        assertEquals(0, back.failures());
        assertTrue(alarms().stream().anyMatch(a -> a.severity() == Alarm.Severity.CLEARED), "alarm cleared");
        assertTrue(probe(3).contains("answered 3 of 3"), "traffic flows again");
        assertFalse(down.up());
    }

    @Test
    @Order(5)
    void certificateFromAnotherCaIsRefused() throws Exception {
        // Same unit, same subject, but issued by another CA: only the issuer differs.
        try (ProvincialCa rogue = ProvincialCa.create(tmp.resolve("rogue-ca"), "other".toCharArray(),
                CaSettings.defaults("http://127.0.0.1:9"))) {
            KeyPair keys = KeyPairs.p256();
            X509Certificate foreign = rogue.issueBox(keys.getPublic(), UNIT, "slj.bd.gov.cn");
            assertEquals(boxCert.getSubjectX500Principal(), foreign.getSubjectX500Principal());
            Path dir = Files.createDirectories(tmp.resolve("foreign"));
            PemFiles.write(dir.resolve("box.pem"), foreign);
            PemFiles.write(dir.resolve("box.key"), keys.getPrivate());
            TunnelSpec foreignSpec = withCredentials(dir.resolve("box.pem"), dir.resolve("box.key"));
            try {
                assertRefused(foreignSpec, "certificate from another CA");
            } finally {
                SwanctlConfigWriter.write(spec.toSwanctl(), boxCharon.swanctlDir());
            }
        }
        awaitStatus(TunnelStatus::up, "the legitimate certificate still works");
    }

    @Test
    @Order(6)
    void revokedBoxCertificateIsRefusedOnTheNextConnection() throws Exception {
        awaitStatus(TunnelStatus::up, "tunnel up before revocation");
        ca.revoke(boxCert.getSerialNumber(), RevocationReason.keyCompromise);
        PemFiles.write(hubCharon.swanctlDir().resolve("x509crl/issuing.crl"), ca.crl());
        hubCharon.control().loadAll();
        hubCharon.control().flushCerts();
        assertRefused(spec, "revoked certificate");
        assertTrue(Files.readString(hubCharon.log()).contains("certificate was revoked"), "hub found the box on the CRL");
    }

    /** Replaces the box's connection, drops the current SA and checks the hub refuses the next one. */
    private void assertRefused(TunnelSpec s, String why) throws Exception {
        SwanctlConfigWriter.write(s.toSwanctl(), boxCharon.swanctlDir());
        boxCharon.control().loadAll();
        if (watcher.poll().up()) {
            boxCharon.control().terminateIke(spec.name());
        }
        TunnelStatus refused = awaitStatus(st -> !st.up() && st.failures() >= 1 && st.lastError() != null, why);
        assertTrue(refused.lastError().contains("AUTHENTICATION_FAILED"), why + " refused by the hub: " + refused.lastError());
        assertTrue(probe(2).contains("answered 0 of 2"), "nothing reaches the backbone with a " + why);
    }

    private static TunnelSpec withCredentials(Path cert, Path key) {
        return new TunnelSpec(spec.name(), cert, key, spec.caCertFiles(), spec.hubRevocation(), spec.hubAddress(),
                spec.hubId(), spec.localTs(), spec.remoteTs(), spec.ikeProposals(), spec.espProposals(), spec.dpdDelay(),
                spec.ikeRekey(), spec.childRekey());
    }

    private static X509Certificate hubCertFromSpec() throws Exception {
        try (var in = Files.newInputStream(hubSpec.hubCert())) {
            return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** Backbone prefixes may leave only through the tunnel interface; everything else towards them is dropped. */
    static String guardRuleset(String backbone, String tunnelInterface) {
        return "table inet egov {\n"
                + "  chain vpn_guard_forward {\n"
                + "    type filter hook forward priority 0; policy accept;\n"
                + "    ip daddr " + backbone + " oifname != \"" + tunnelInterface + "\" counter drop comment \"backbone only via tunnel\"\n"
                + "  }\n"
                + "  chain vpn_guard_output {\n"
                + "    type filter hook output priority 0; policy accept;\n"
                + "    ip daddr " + backbone + " oifname != \"" + tunnelInterface + "\" counter drop comment \"backbone only via tunnel\"\n"
                + "  }\n"
                + "}\n";
    }

    /** Polls the watcher (as its schedule would) until the condition holds. */
    private static TunnelStatus awaitStatus(Predicate<TunnelStatus> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        TunnelStatus s = watcher.poll();
        while (!condition.test(s)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; last status " + s);
            }
            Thread.sleep(250);
            s = watcher.poll();
        }
        return s;
    }

    private static List<Alarm> alarms() {
        return telemetry.messages().stream().filter(m -> m.appId().equals(Alarm.APP_ID))
                .map(m -> Alarm.fromPayload(m.resource(), m.payload())).toList();
    }

    private static String probe(int count) {
        return lab.exec(lan, java(), "-cp", System.getProperty("java.class.path"), UdpProbe.class.getName(),
                "client", BACKBONE_HOST, Integer.toString(ECHO_PORT), Integer.toString(count), "200");
    }

    private interface Traffic {
        void run() throws Exception;
    }

    /** Captures on the box's WAN while the traffic runs; counts packets addressed to the backbone in clear. */
    private static int clearPacketsOnWan(Traffic traffic) throws Exception {
        Path pcap = Files.createTempFile(tmp, "wan", ".pcap");
        Process dump = lab.start(box, "tcpdump", "-i", "eth0", "-n", "-U", "-w", pcap.toString(), "dst", "net", BACKBONE_NET);
        // tcpdump says "listening on wan0" once the capture runs (after any warnings).
        java.io.BufferedReader err = new java.io.BufferedReader(new java.io.InputStreamReader(dump.getInputStream()));
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = err.readLine()) != null && !line.contains("listening on")) {
            seen.append(line).append('\n');
        }
        assertTrue(line != null, "tcpdump did not start: " + seen);
        try {
            traffic.run();
        } finally {
            dump.destroy();
            dump.waitFor(5, TimeUnit.SECONDS);
        }
        NetLab.Result read = NetLab.runResult(10, "tcpdump", "-r", pcap.toString(), "-n");
        return (int) read.output().lines().filter(l -> l.contains(" IP ")).count();
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
