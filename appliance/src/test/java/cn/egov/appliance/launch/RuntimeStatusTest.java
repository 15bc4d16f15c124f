package cn.egov.appliance.launch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.launcher.StandingAlarms.Standing;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuntimeStatusTest {

    private static RuntimeStatus with(List<Standing> alarms, List<RuntimeStatus.Check> checks) {
        return new RuntimeStatus("org.apache.felix.framework 7.0.5",
                List.of(new RuntimeStatus.BundleState(1, "cn.egov.edge.api", "0.1.0", "ACTIVE", false)),
                List.of(new RuntimeStatus.ComponentState("cn.egov.isolation.enforce", "cn.egov.edge.isolation", "ACTIVE", "")),
                List.of(), alarms, checks);
    }

    @Test
    void aMajorOrCriticalConditionMakesTheBoxUnhealthyWhileEveryComponentRuns() {
        Standing rejected = new Standing("isolation.policy.rejected", "MAJOR", "isolation", "policy refused:\nmissing", 0);
        RuntimeStatus s = with(List.of(rejected), List.of());
        assertFalse(s.healthy());
        assertTrue(s.render().contains("healthy false\n"), s.render());
        assertTrue(s.render().contains("alarm MAJOR isolation.policy.rejected 1970-01-01T00:00:00Z: policy refused: missing\n"),
                "one line, line breaks flattened: " + s.render());
        assertFalse(with(List.of(new Standing("x", "CRITICAL", "", "", 0)), List.of()).healthy());
    }

    @Test
    void warningsAndSelfTestFailuresAreShownButLeaveTheBoxHealthy() {
        RuntimeStatus s = with(List.of(new Standing("pki.not-enrolled", "WARNING", "pki", "set it up", 0)),
                List.of(new RuntimeStatus.Check("隧道 Tunnel", "FAIL", "the hub does not answer\u001b[0m")));
        assertTrue(s.healthy(), s.render());
        assertTrue(s.render().contains("alarm WARNING pki.not-enrolled "), s.render());
        assertTrue(s.render().contains("selftest FAIL 隧道 Tunnel: the hub does not answer [0m\n"), "control characters flattened: " + s.render());
    }
}
