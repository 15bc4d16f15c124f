package cn.egov.addressplan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.selftest.SelfTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AddressPlanSelfTestTest {

    @Test
    void theSelfTestCarriesTheRemediationOfEachFinding() {
        assertEquals(SelfTest.Outcome.WARN, AddressPlanComponent.judge(null, null).outcome());
        ConformanceReport clean = new ConformanceReport("130602-001", 1, Map.of(SiteFinding.Kind.INTERFACE_ADDRESS, 2), List.of(), List.of());
        assertEquals(SelfTest.Outcome.OK, AddressPlanComponent.judge(clean, null).outcome());

        SiteFinding eth1 = new SiteFinding(SiteFinding.Kind.INTERFACE_ADDRESS, "address 192.168.1.1/24 on eth1", "192.168.1.1",
                "10.6.8.0/25 (internal)", "", "10.6.8.1/25", "Renumber eth1 from 192.168.1.1/24 to 10.6.8.1/25.",
                "eth1 上的本机地址 192.168.1.1/24 不在任何单位的分配中：请改为 10.6.8.1/25（属于 10.6.8.0/25）。");
        SelfTest.Result r = AddressPlanComponent.judge(new ConformanceReport("130602-001", 1, Map.of(), List.of(eth1), List.of()), null);
        assertEquals(SelfTest.Outcome.FAIL, r.outcome());
        assertTrue(r.message().contains("Renumber eth1 from 192.168.1.1/24 to 10.6.8.1/25."), r.message());
        assertEquals("1 项不符合单位 130602-001 的地址规划：eth1 上的本机地址 192.168.1.1/24 不在任何单位的分配中："
                + "请改为 10.6.8.1/25（属于 10.6.8.0/25）。", r.chinese());

        SelfTest.Result failed = AddressPlanComponent.judge(clean, "no plan at /etc/egov/plan");
        assertEquals(SelfTest.Outcome.FAIL, failed.outcome());
        assertTrue(failed.message().contains("no plan at /etc/egov/plan"), failed.message());
        assertTrue(failed.chinese().startsWith("地址规划检查无法运行：no plan at /etc/egov/plan。"), failed.chinese());
    }
}
