package cn.egov.isolation.enforce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cn.egov.api.selftest.SelfTest;
import cn.egov.rules.nft.NftRuleset;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The isolation line of the self-test, in Chinese and English, with its times in Beijing time. */
class IsolationSelfTestTest {
    private static final InForce BASELINE = new InForce(new NftRuleset("baseline", "7", "0123456789abcdef0123", List.of(), List.of(),
            List.of(), List.of()), "", Instant.parse("2026-12-06T04:00:00Z").toEpochMilli(),
            Instant.parse("2026-12-06T04:01:00Z").toEpochMilli(), Drift.NONE);

    @Test
    void noPolicyYetSaysHowToPutOneInForce() {
        assertEquals(new SelfTest.Result(SelfTest.Outcome.WARN, "还没有生效的隔离策略：'appliance setup' 会让全省的策略生效。",
                        "No isolation policy is in force yet: 'appliance setup' puts the province's policy in force."),
                IsolationSelfTest.judge("NONE", Optional.empty(), null, null));
        assertEquals(new SelfTest.Result(SelfTest.Outcome.FAIL,
                        "没有生效的隔离策略：策略被拒绝（policy.toml:3: bad zone）。请改正所指的文件和行，或等待管理平台的签名策略（'appliance setup'）。",
                        "No isolation policy is in force: the policy was refused (policy.toml:3: bad zone). Fix the file and line named, "
                                + "or wait for the manager's signed policy ('appliance setup')."),
                IsolationSelfTest.judge("REJECTED", Optional.empty(), "policy.toml:3: bad zone", null));
    }

    @Test
    void thePolicyInForceIsVerifiedAtABeijingTime() {
        assertEquals(new SelfTest.Result(SelfTest.Outcome.OK, "策略 baseline 7 (0123456789ab) 已生效（2026-12-06 12:01:00（北京时间） 已核对）。",
                        "Policy baseline 7 (0123456789ab) is in force (verified 2026-12-06 12:01:00 (Beijing time))."),
                IsolationSelfTest.judge("IN_FORCE", Optional.of(BASELINE), null, null));
    }
}
