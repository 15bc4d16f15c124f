package cn.egov.vpn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.selftest.SelfTest;
import org.junit.jupiter.api.Test;

class TunnelSelfTestTest {

    private static TunnelStatus down(String error) {
        return new TunnelStatus(false, "192.0.2.2", "NONE", null, 0, 0, 0, 0, 0, 0, 3, 3, error, 0);
    }

    @Test
    void eachStateGetsASentenceATechnicianCanActOn() {
        assertEquals(SelfTest.Outcome.WARN, TunnelSelfTest.judge(null).outcome());
        SelfTest.Result up = TunnelSelfTest.judge(new TunnelStatus(true, "192.0.2.2", "ESTABLISHED", "CN=hub", 5, 0, 0, 0, 0, 0, 1, 0, null, 0));
        assertEquals(SelfTest.Outcome.OK, up.outcome());
        assertTrue(up.message().contains("CN=hub"), up.message());
        assertEquals("到骨干网中心 192.0.2.2 的隧道已建立（中心证明其身份为 CN=hub）。", up.chinese());

        SelfTest.Result silent = TunnelSelfTest.judge(down("initiating 'egov' failed: establishing CHILD_SA 'egov' failed (timeout)"));
        assertEquals(SelfTest.Outcome.FAIL, silent.outcome());
        assertTrue(silent.message().contains("the hub 192.0.2.2 does not answer. Check the uplink cable"), silent.message());
        assertTrue(silent.message().endsWith("(strongSwan: initiating 'egov' failed: establishing CHILD_SA 'egov' failed (timeout))"),
                "charon's own words follow: " + silent.message());
        assertTrue(silent.chinese().startsWith("到骨干网中心 192.0.2.2 的隧道未建立：中心 192.0.2.2 没有应答。请检查骨干网端口（eth0）的上联网线"),
                silent.chinese());
        assertTrue(silent.chinese().endsWith("（strongSwan：initiating 'egov' failed: establishing CHILD_SA 'egov' failed (timeout)）"),
                "charon's own words follow in Chinese too: " + silent.chinese());

        SelfTest.Result refused = TunnelSelfTest.judge(down("received AUTHENTICATION_FAILED notify error"));
        assertTrue(refused.message().contains("the hub refused the box's certificate"), refused.message());
        assertTrue(refused.chinese().contains("中心拒绝了本机的证书"), refused.chinese());
    }
}
