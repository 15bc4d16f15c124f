package cn.egov.isolation.enforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.lab.BaselineBoxLab;
import cn.egov.lab.BaselineBoxLab.Probe;
import cn.egov.lab.BaselineBoxLab.Tampering;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The province's lab findings, on a real kernel in network namespaces ({@link BaselineBoxLab}): the
 * shipped baseline in force, then each in-place tampering the lab did by hand with {@code nft}
 * (keeping every rule comment and set size, so that a comparison of comments and counts sees
 * nothing). For each: the tampering is real (the forbidden traffic passes, or for (c) the
 * backbone flow breaks: ping, TCP and UDP seen or not by tcpdump at the target); the periodic
 * verification raises drift naming the change; a freshly started box service (a new
 * {@link PolicyEnforcement}: no snapshot, nothing remembered) does not adopt the table, raises the
 * drift alarm while the tampered table is still in force, and replaces it; the traffic is then as
 * the policy says again. The CLI side ({@code appliance policy check|apply}) is
 * {@code PolicyCommandDriftNetnsTest} in the appliance module.
 */
class PolicyDriftNetnsTest {

    static final Path BASELINE = PolicyEnforcementNetnsTest.BASELINE;
    static final Set<Probe> NONE = EnumSet.noneOf(Probe.class);
    static final Set<Probe> ALL = EnumSet.allOf(Probe.class);

    static BaselineBoxLab lab;
    static RecordingTelemetry telemetry;
    static PolicyEnforcement running;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void baselineInForce() {
        lab = BaselineBoxLab.create("drf");
        telemetry = new RecordingTelemetry();
        running = new PolicyEnforcement(ProcessNft.inNamespace(lab.box()), telemetry, Clock.systemUTC(), tmp.resolve("nft.lock"), false);
        ApplyResult r = running.apply(BASELINE);
        assertEquals(ApplyResult.Status.APPLIED, r.status(), r.message());
        assertTrue(running.verify().isClean());
    }

    @AfterAll
    static void cleanUp() {
        if (lab != null) {
            lab.close();
        }
    }

    /** What each tampering opens (or breaks), and what each drift report must name. */
    record Case(String from, String fromAddr, String at, String addr, boolean tunnelDown, Set<Probe> policy, Set<Probe> tampered,
                List<String> named, String marker) {
    }

    static Case of(Tampering t) {
        return switch (t) {
            case EXTERNAL_JUMP -> new Case(lab.ext(), BaselineBoxLab.EXT_HOST, lab.hub(), BaselineBoxLab.HUB_UPLINK, false, NONE, ALL,
                    List.of("chain fwd_from_external rule 1 (\"10-zones.policy:18 zone internet-access\") changed: policy has "
                            + "'oifname @if_internet_access jump fwd_external__internet_access', live has 'jump fwd_external__internet_access'"),
                    "\t\tjump fwd_external__internet_access comment");
            case TUNNEL_SET -> new Case(lab.lan(), BaselineBoxLab.LAN_HOST, lab.hub(), BaselineBoxLab.BACKBONE_HOST, true, NONE, ALL,
                    List.of("set tun_backbone_vpn: 1 element(s) missing: ipsec0; 1 element(s) added: eth0",
                            "chain prerouting rule 5 (\"30-rules.policy:11 never internal-backbone-cleartext: internal to backbone outside tunnel, "
                                    + "before routing\") changed", "live has 'iifname @if_internal ip daddr @net_backbone_v4 fib daddr type unicast "
                                    + "fib daddr oifname { \"eth0\", \"ipsec0\" } fib daddr oifname != \"eth0\" goto deny_internal_backbone_cleartext'"),
                    "fib daddr oifname != \"eth0\"");
            case BACKBONE_ELEMENT -> new Case(lab.lan(), BaselineBoxLab.LAN_HOST, lab.hub(), BaselineBoxLab.BACKBONE_HOST, false, ALL, NONE,
                    List.of("set net_backbone_v4: 1 element(s) missing: 10.200.0.0/16; 1 element(s) added: 10.201.0.0/16"), "10.201.0.0/16");
            case FORWARD_POLICY -> new Case(lab.ext(), BaselineBoxLab.EXT_HOST, lab.hub(), BaselineBoxLab.HUB_UPLINK, false, NONE, ALL,
                    List.of("chain forward: policy changed from \"drop\" to \"accept\"",
                            "(\"base: default deny\") changed: policy has 'goto drop_forward', live has 'counter packets"),
                    "hook forward priority filter; policy accept;");
        };
    }

    Set<Probe> traffic(Case c) {
        if (c.tunnelDown()) {
            lab.tunnelDown();
        }
        try {
            return lab.arrivals(c.from(), c.fromAddr(), c.at(), c.addr());
        } finally {
            if (c.tunnelDown()) {
                lab.tunnelUp();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Tampering.class)
    void tamperingThatKeepsCommentsAndSetSizesIsDriftAndIsReplacedAtStart(Tampering t) throws Exception {
        Case c = of(t);
        assertEquals(c.policy(), traffic(c), "with the policy in force");
        Map<String, Object> shapeBefore = commentsAndSetSizes();

        t.apply(lab);
        assertEquals(shapeBefore, commentsAndSetSizes(), t + ": the tampering keeps every comment and set size");
        assertEquals(c.tampered(), traffic(c), t + " is real: " + t.description());

        // the periodic verification of the running service
        int alarmsBefore = telemetry.alarms(IsolationAlarms.POLICY_DRIFT).size();
        Drift d = running.verify();
        assertFalse(d.isClean(), t.toString());
        for (String part : c.named()) {
            assertTrue(d.differences().stream().anyMatch(l -> l.contains(part)), t + ": '" + part + "' not named in " + d.differences());
        }
        List<Alarm> drift = telemetry.alarms(IsolationAlarms.POLICY_DRIFT);
        assertEquals(alarmsBefore + 1, drift.size());
        assertEquals(String.join("\n", d.differences()), drift.get(drift.size() - 1).evidence().get("differences"));
        assertTrue(drift.get(drift.size() - 1).message().contains(d.differences().get(0)), drift.get(drift.size() - 1).message());
        assertEquals("DRIFT", telemetry.last(BoxMetrics.ISOLATION_APP, BoxMetrics.POLICY_RESOURCE).stringMetric(BoxMetrics.POLICY_STATE));

        // a freshly started service: the table carries the policy's hash, but is not adopted
        RecordingTelemetry restarted = new RecordingTelemetry();
        String[] tableAtDriftAlarm = {""};
        restarted.onAlarm = kind -> {
            if (IsolationAlarms.POLICY_DRIFT.equals(kind)) {
                tableAtDriftAlarm[0] = lab.nft("list", "table", "inet", "egov");
            }
        };
        PolicyEnforcement fresh = new PolicyEnforcement(ProcessNft.inNamespace(lab.box()), restarted, Clock.systemUTC(),
                tmp.resolve("nft.lock"), false);
        ApplyResult r = fresh.apply(BASELINE);
        assertEquals(ApplyResult.Status.APPLIED, r.status(), r.message());
        assertTrue(r.message().startsWith("drift found and corrected: "), r.message());
        assertEquals(d, r.drift(), "the fresh service finds the same differences as the running one");
        List<Alarm> reported = restarted.alarms(IsolationAlarms.POLICY_DRIFT);
        assertEquals(1, reported.size());
        assertEquals(String.join("\n", d.differences()), reported.get(0).evidence().get("differences"));
        assertTrue(tableAtDriftAlarm[0].contains(c.marker()),
                t + ": the alarm was raised while the tampered table was still in force: " + tableAtDriftAlarm[0]);
        assertEquals(1, restarted.alarms(IsolationAlarms.POLICY_RESTORED).size());
        assertFalse(lab.nft("list", "table", "inet", "egov").contains(c.marker()), "replaced");
        assertTrue(fresh.verify().isClean());

        assertEquals(c.policy(), traffic(c), t + ": as the policy says again");
        assertTrue(running.verify().isClean(), "the running service sees its policy in force again");
        // an exact table is adopted, not replaced: the same handles
        String handles = lab.nft("-a", "list", "chain", "inet", "egov", "forward");
        PolicyEnforcement third = new PolicyEnforcement(ProcessNft.inNamespace(lab.box()), new RecordingTelemetry(), Clock.systemUTC(),
                tmp.resolve("nft.lock"), false);
        assertEquals(ApplyResult.Status.UNCHANGED, third.apply(BASELINE).status());
        assertEquals(handles, lab.nft("-a", "list", "chain", "inet", "egov", "forward"));
    }

    /** What a comparison of comments and counts saw: each chain's comments in order, each set's size. */
    static Map<String, Object> commentsAndSetSizes() {
        CanonicalTable t = CanonicalTable.parse(lab.nft("-j", "list", "table", "inet", "egov"));
        Map<String, Object> shape = new LinkedHashMap<>();
        t.chains().forEach((name, chain) -> shape.put("chain " + name, chain.rules().stream().map(CanonicalTable.Rule::comment).toList()));
        t.sets().forEach((name, set) -> shape.put("set " + name, set.elements().size()));
        return shape;
    }

}
