package cn.egov.console.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cn.egov.api.launcher.StandingAlarms.Standing;
import cn.egov.api.selftest.SelfTest;
import cn.egov.api.telemetry.AlarmCatalogue;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StandingAlarmsCheckTest {

    @Test
    void failsWhileAMajorConditionStandsWarnsForLesserOnes() {
        assertEquals(SelfTest.Outcome.OK, StandingAlarmsCheck.judge(List.of()).outcome());
        SelfTest.Result warn = StandingAlarmsCheck.judge(List.of(new Standing("pki.not-enrolled", "WARNING", "pki", "set it up", 1)));
        assertEquals(new SelfTest.Result(SelfTest.Outcome.WARN, "未解除的告警：WARNING 未申请证书 pki.not-enrolled："
                + AlarmCatalogue.of("pki.not-enrolled").advice() + "（set it up）", "WARNING pki.not-enrolled: set it up"), warn);
        SelfTest.Result fail = StandingAlarmsCheck.judge(List.of(new Standing("pki.not-enrolled", "WARNING", "pki", "set it up", 1),
                new Standing("vpn.down", "MAJOR", "vpn", "down", 2)));
        assertEquals(SelfTest.Outcome.FAIL, fail.outcome());
        assertEquals("WARNING pki.not-enrolled: set it up; MAJOR vpn.down: down", fail.message());
        assertEquals(SelfTest.Outcome.WARN, new StandingAlarmsCheck(Optional::empty).run().outcome());
    }
}
