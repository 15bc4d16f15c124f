package cn.egov.isolation.enforce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cn.egov.api.selftest.SelfTest;
import cn.egov.isolation.route.RouteFinding;
import cn.egov.isolation.route.RouteGuard;
import cn.egov.isolation.route.RouteIsolation;
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
    void aRouteToTheInternetIsSaidInChineseThenInEnglish() {
        RouteFinding route = new RouteFinding(RouteFinding.Kind.ROUTE_TO_INTERNET, "eth1", "192.0.2.1", "eth0 192.0.2.254",
                "route exists from internal zone (eth1) to the Internet via eth0 192.0.2.254 (probe 192.0.2.1)",
                "内部区域（eth1）经 eth0 192.0.2.254 有通往互联网的路由（探测地址 192.0.2.1）");
        SelfTest.Result r = IsolationSelfTest.judge("IN_FORCE", Optional.of(BASELINE), null,
                new RouteIsolation.Report(1, new RouteGuard.Outcome(List.of(), List.of()), List.of(route)));
        assertEquals(SelfTest.Outcome.FAIL, r.outcome());
        assertEquals("路由守卫：内部区域（eth1）经 eth0 192.0.2.254 有通往互联网的路由（探测地址 192.0.2.1）。"
                + "请删除这条路由（ip route）或提供它的设备；'appliance policy check' 列出全部。", r.chinese());
        assertEquals("Route guard: route exists from internal zone (eth1) to the Internet via eth0 192.0.2.254 (probe 192.0.2.1). "
                + "Remove that route (ip route) or the device that offers it; 'appliance policy check' lists them all.", r.message());
    }

    @Test
    void thePolicyInForceIsVerifiedAtABeijingTime() {
        assertEquals(new SelfTest.Result(SelfTest.Outcome.OK, "策略 baseline 7 (0123456789ab) 已生效（2026-12-06 12:01:00（北京时间） 已核对）。",
                        "Policy baseline 7 (0123456789ab) is in force (verified 2026-12-06 12:01:00 (Beijing time))."),
                IsolationSelfTest.judge("IN_FORCE", Optional.of(BASELINE), null, null));
    }
}
