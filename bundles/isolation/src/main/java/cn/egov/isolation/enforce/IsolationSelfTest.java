package cn.egov.isolation.enforce;

import cn.egov.api.selftest.SelfTest.Result;
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
                return Result.fail("No isolation policy is in force: the policy was refused (" + rejection
                        + "). Fix the file and line named, or wait for the manager's signed policy ('appliance setup').");
            }
            return Result.warn("No isolation policy is in force yet: 'appliance setup' puts the province's policy in force.");
        }
        InForce f = inForce.get();
        if ("REJECTED".equals(state) && rejection != null) {
            return Result.fail("A new policy was refused (" + rejection + "); policy " + f.identity()
                    + " stays in force. Fix the file and line named.");
        }
        if (!f.drift().isClean()) {
            return Result.fail("The firewall table differs from policy " + f.identity() + ": " + f.drift().differences().get(0)
                    + ". Run 'appliance policy apply' to restore it, and find out who changed it.");
        }
        if (routes != null && !routes.findings().isEmpty()) {
            RouteFinding first = routes.findings().get(0);
            return Result.fail("Route guard: " + first.message()
                    + (routes.findings().size() > 1 ? " (and " + (routes.findings().size() - 1) + " more)" : "")
                    + ". Remove that route (ip route) or the device that offers it; 'appliance policy check' lists them all.");
        }
        String verified = f.lastVerifiedAt() > 0 ? "verified " + Instant.ofEpochMilli(f.lastVerifiedAt()) : "applied "
                + Instant.ofEpochMilli(f.appliedAt()) + ", first verification pending";
        return Result.ok("Policy " + f.identity() + " is in force (" + verified + ")"
                + (routes == null ? "." : "; no route between the internal zone and the Internet."));
    }
}
