package cn.egov.isolation.enforce;

import cn.egov.api.selftest.SelfTest.Result;
import cn.egov.api.time.BeijingTime;
import cn.egov.isolation.route.RouteFinding;
import cn.egov.isolation.route.RouteIsolation;
import java.time.Instant;
import java.util.Optional;

/**
 * The isolation self-test sentence: the policy in force and verified, and no route between the
 * isolated zones and the Internet; or what is wrong (refused, drift, a route) and what to do.
 */
public final class IsolationSelfTest {
    private IsolationSelfTest() {
    }

    /**
     * @param state     {@link PolicyEnforcement#state()}
     * @param inForce   the ruleset in force
     * @param rejection why the last policy was refused, or null
     * @param routes    the route guard's last round, or null (off, or not run yet)
     */
    public static Result judge(String state, Optional<InForce> inForce, String rejection, RouteIsolation.Report routes) {
        if (inForce.isEmpty()) {
            if (rejection != null) {
                return Result.fail("没有生效的隔离策略：策略被拒绝（" + rejection
                                + "）。请改正所指的文件和行，或等待管理平台的签名策略（'appliance setup'）。",
                        "No isolation policy is in force: the policy was refused (" + rejection
                        + "). Fix the file and line named, or wait for the manager's signed policy ('appliance setup').");
            }
            return Result.warn("还没有生效的隔离策略：'appliance setup' 会让全省的策略生效。",
                    "No isolation policy is in force yet: 'appliance setup' puts the province's policy in force.");
        }
        InForce f = inForce.get();
        if ("REJECTED".equals(state) && rejection != null) {
            return Result.fail("新策略被拒绝（" + rejection + "）；策略 " + f.identity() + " 继续有效。请改正所指的文件和行。",
                    "A new policy was refused (" + rejection + "); policy " + f.identity()
                    + " stays in force. Fix the file and line named.");
        }
        if (!f.drift().isClean()) {
            String difference = f.drift().differences().get(0);
            return Result.fail("防火墙表与策略 " + f.identity() + " 不一致：" + difference
                            + "。运行 'appliance policy apply' 恢复，并查明是谁改动的。",
                    "The firewall table differs from policy " + f.identity() + ": " + difference
                    + ". Run 'appliance policy apply' to restore it, and find out who changed it.");
        }
        if (routes != null && !routes.findings().isEmpty()) {
            RouteFinding first = routes.findings().get(0);
            int more = routes.findings().size() - 1;
            return Result.fail("路由守卫：" + first.chinese() + (more > 0 ? "（另有 " + more + " 条）" : "")
                            + "。请删除这条路由（ip route）或提供它的设备；'appliance policy check' 列出全部。",
                    "Route guard: " + first.message() + (more > 0 ? " (and " + more + " more)" : "")
                    + ". Remove that route (ip route) or the device that offers it; 'appliance policy check' lists them all.");
        }
        String verifiedZh = f.lastVerifiedAt() > 0 ? BeijingTime.labelledChinese(Instant.ofEpochMilli(f.lastVerifiedAt())) + " 已核对"
                : BeijingTime.labelledChinese(Instant.ofEpochMilli(f.appliedAt())) + " 已应用，等待第一次核对";
        String verified = f.lastVerifiedAt() > 0 ? "verified " + BeijingTime.labelled(Instant.ofEpochMilli(f.lastVerifiedAt()))
                : "applied " + BeijingTime.labelled(Instant.ofEpochMilli(f.appliedAt())) + ", first verification pending";
        return Result.ok("策略 " + f.identity() + " 已生效（" + verifiedZh + "）" + (routes == null ? "。" : "；内部区域与互联网之间没有路由。"),
                "Policy " + f.identity() + " is in force (" + verified + ")"
                + (routes == null ? "." : "; no route between the internal zone and the Internet."));
    }
}
