package cn.egov.appliance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.lab.BaselineBoxLab;
import cn.egov.lab.BaselineBoxLab.Probe;
import cn.egov.lab.BaselineBoxLab.Tampering;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code appliance policy check|apply} against the province's lab findings, each a fresh CLI
 * process's view (a new {@link PolicyCommand}: nothing from an earlier apply): after each in-place
 * tampering (comments and set sizes kept) {@code check} exits 1 naming the change and leaves the
 * table as it is; {@code apply} names it before correcting it, and the traffic is as the policy
 * says again (ping, TCP and UDP seen or not by tcpdump at the target). A deleted table is named
 * by both too. The route guard is left out ({@code --no-route-guard}): it has tests of its own,
 * and with it the clear-text path of (b) would be refused by routing before the table is tested.
 */
class PolicyCommandDriftNetnsTest {

    static final String BASELINE = Path.of("../rules/policy/baseline").toString();
    static final Set<Probe> NONE = EnumSet.noneOf(Probe.class);
    static final Set<Probe> ALL = EnumSet.allOf(Probe.class);

    static BaselineBoxLab lab;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void network() {
        lab = BaselineBoxLab.create("pdr");
    }

    @AfterAll
    static void cleanUp() {
        if (lab != null) {
            lab.close();
        }
    }

    static PolicyCli.Run policy(String... args) {
        return PolicyCli.run(lab.box(), tmp.resolve("nft.lock"), List.of("--no-route-guard"), args);
    }

    /** The traffic each tampering changes, and a line its drift report must contain. */
    record Case(String from, String fromAddr, String addr, boolean tunnelDown, Set<Probe> policy, Set<Probe> tampered, String named) {
    }

    static Case of(Tampering t) {
        return switch (t) {
            case EXTERNAL_JUMP -> new Case(lab.ext(), BaselineBoxLab.EXT_HOST, BaselineBoxLab.HUB_UPLINK, false, NONE, ALL,
                    "chain fwd_from_external rule 1 (\"10-zones.policy:18 zone internet-access\") changed: policy has "
                            + "'oifname @if_internet_access jump fwd_external__internet_access', live has 'jump fwd_external__internet_access'");
            case TUNNEL_SET -> new Case(lab.lan(), BaselineBoxLab.LAN_HOST, BaselineBoxLab.BACKBONE_HOST, true, NONE, ALL,
                    "set tun_backbone_vpn: 1 element(s) missing: ipsec0; 1 element(s) added: eth0");
            case BACKBONE_ELEMENT -> new Case(lab.lan(), BaselineBoxLab.LAN_HOST, BaselineBoxLab.BACKBONE_HOST, false, ALL, NONE,
                    "set net_backbone_v4: 1 element(s) missing: 10.200.0.0/16; 1 element(s) added: 10.201.0.0/16");
            case FORWARD_POLICY -> new Case(lab.ext(), BaselineBoxLab.EXT_HOST, BaselineBoxLab.HUB_UPLINK, false, NONE, ALL,
                    "chain forward: policy changed from \"drop\" to \"accept\"");
        };
    }

    static Set<Probe> traffic(Case c) {
        if (c.tunnelDown()) {
            lab.tunnelDown();
        }
        try {
            return lab.arrivals(c.from(), c.fromAddr(), lab.hub(), c.addr());
        } finally {
            if (c.tunnelDown()) {
                lab.tunnelUp();
            }
        }
    }

    static List<String> tableWithoutCounters() {
        // counters count and denial records age: everything else must stay as it was
        return lab.tableRules().stream().map(l -> l.replaceAll("packets \\d+ bytes \\d+", "").replaceAll("expires \\w+", "")).toList();
    }

    static void inForce() {
        PolicyCli.Run apply = policy("apply", BASELINE);
        assertEquals(0, apply.exit(), apply.toString());
        PolicyCli.Run check = policy("check", BASELINE);
        assertEquals(0, check.exit(), check.toString());
        assertTrue(check.out().contains("in force: the live table holds exactly this policy"), check.out());
    }

    @ParameterizedTest
    @EnumSource(Tampering.class)
    void checkNamesTheTamperingAndApplyNamesItBeforeCorrectingIt(Tampering t) {
        Case c = of(t);
        inForce();
        assertEquals(c.policy(), traffic(c));
        t.apply(lab);
        assertEquals(c.tampered(), traffic(c), t + " is real: " + t.description());

        List<String> before = tableWithoutCounters();
        PolicyCli.Run check = policy("check", BASELINE);
        assertEquals(1, check.exit(), check.toString());
        assertTrue(check.err().contains("drift: " + c.named()), check.err());
        assertTrue(check.out().contains("not in force: the live table differs from the policy"), check.out());
        assertEquals(before, tableWithoutCounters(), "check changes nothing");

        PolicyCli.Run apply = policy("apply", BASELINE);
        assertEquals(0, apply.exit(), apply.toString());
        List<String> lines = List.of(apply.out().split("\n"));
        int found = lines.indexOf(lines.stream().filter(l -> l.startsWith("drift found: table inet egov differs from policy hebei-baseline"))
                .findFirst().orElseThrow(() -> new AssertionError("no drift line: " + apply.out())));
        int named = lines.indexOf("  " + c.named());
        int applied = lines.indexOf(lines.stream().filter(l -> l.startsWith("applied: drift found and corrected: ")).findFirst()
                .orElseThrow(() -> new AssertionError("not applied: " + apply.out())));
        assertTrue(found < named && named < applied, "the drift is named before the table is replaced: " + apply.out());
        assertTrue(lines.get(applied).contains(c.named()), lines.get(applied));
        assertTrue(apply.out().contains("verified: no drift"), apply.out());

        assertEquals(c.policy(), traffic(c), t + ": as the policy says again");
        PolicyCli.Run after = policy("check", BASELINE);
        assertEquals(0, after.exit(), after.toString());
    }

    @Test
    void aDeletedTableIsNamedByCheckAndApply() {
        inForce();
        lab.nft("delete", "table", "inet", "egov");
        assertEquals(ALL, lab.arrivals(lab.ext(), BaselineBoxLab.EXT_HOST, lab.hub(), BaselineBoxLab.HUB_UPLINK), "no firewall at all");
        PolicyCli.Run check = policy("check", BASELINE);
        assertEquals(1, check.exit(), check.toString());
        assertTrue(check.err().contains("drift: table inet egov is missing"), check.err());
        PolicyCli.Run apply = policy("apply", BASELINE);
        assertEquals(0, apply.exit(), apply.toString());
        assertTrue(apply.out().contains("applied: table inet egov was missing; applied hebei-baseline"), apply.out());
        assertEquals(NONE, lab.arrivals(lab.ext(), BaselineBoxLab.EXT_HOST, lab.hub(), BaselineBoxLab.HUB_UPLINK));
    }
}
