package cn.egov.isolation.enforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.rules.nft.NftRuleset;
import cn.egov.rules.nft.NftablesCompiler;
import cn.egov.rules.policy.PolicyLoader;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scratch namespace with the box service's privileges: the systemd unit gives it only
 * CAP_NET_ADMIN and CAP_NET_RAW (image/systemd/egov-box.service, no new privileges). With those,
 * {@code unshare --net} is refused and the next command, a user namespace, must do, and give the
 * same table. {@code setpriv} drops the test's root privileges to the unit's.
 */
class ProcessScratchNftTest {

    /** The unit's capability set, for the command after it. */
    static final String AS_THE_SERVICE = "setpriv --bounding-set -all,+net_admin,+net_raw --inh-caps -all,+net_admin,+net_raw "
            + "--ambient-caps +net_admin,+net_raw --no-new-privs ";

    @Test
    void withTheServicesCapabilitiesTheUserNamespaceIsUsedAndGivesTheSameTable() {
        LocalDate today = LocalDate.now();
        NftRuleset baseline = NftablesCompiler.compile(PolicyLoader.load(PolicyEnforcementNetnsTest.BASELINE, today).policyOrThrow(), today);

        NftCommand.Result plainOnly = new ProcessScratchNft(List.of(AS_THE_SERVICE + ProcessScratchNft.NET_NAMESPACE)).load(baseline.commands());
        assertFalse(plainOnly.ok(), "the control: without CAP_SYS_ADMIN no plain network namespace");
        assertTrue(plainOnly.stderr().contains("unshare"), plainOnly.stderr());

        ProcessScratchNft service = new ProcessScratchNft(ProcessScratchNft.DEFAULT_COMMANDS.stream().map(c -> AS_THE_SERVICE + c).toList());
        NftCommand.Result r = service.load(baseline.commands());
        assertEquals(0, r.exitCode(), r.stderr());
        NftCommand.Result asRoot = ProcessScratchNft.standard().load(baseline.commands());
        assertEquals(0, asRoot.exitCode(), asRoot.stderr());
        assertEquals(List.of(), TableDiff.compare(CanonicalTable.parse(asRoot.stdout()), CanonicalTable.parse(r.stdout()), baseline, null)
                .differences());
    }

    @Test
    void aRulesetNftRefusesIsRefusedNotUnavailable() {
        NftCommand.Result r = ProcessScratchNft.standard().load("add table inet egov\nadd rule inet egov nowhere accept\n");
        assertEquals(ScratchNft.REFUSED, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("nowhere") || r.stderr().contains("No such file"), r.stderr());
    }
}
