package cn.egov.telemetry.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.selftest.SelfTest;
import cn.egov.telemetry.outbox.OutboxStats;
import org.junit.jupiter.api.Test;

class TelemetrySelfTestTest {
    private static final String BROKER = "ssl://mqtt.hebei.gov.cn:8883";

    @Test
    void downWithMessagesWaitingFailsDownAndEmptyWarnsUpIsFine() {
        SelfTest.Result down = TelemetrySelfTest.judge(false, BROKER, new OutboxStats(120, 10000, 0, 5));
        assertEquals(SelfTest.Outcome.FAIL, down.outcome());
        assertTrue(down.message().contains("Not connected to the broker " + BROKER + " (120 of 10000 messages waiting"), down.message());
        assertTrue(down.chinese().startsWith("没有连上消息服务器 " + BROKER + "（发件箱中有 120 条消息等待发送（容量 10000））"), down.chinese());
        assertEquals(SelfTest.Outcome.WARN, TelemetrySelfTest.judge(false, BROKER, new OutboxStats(0, 10000, 0, 5)).outcome());
        assertEquals(SelfTest.Outcome.OK, TelemetrySelfTest.judge(true, BROKER, new OutboxStats(3, 10000, 0, 5)).outcome());
    }

    @Test
    void aMoreThanHalfFullOutboxWarnsAndEvictionsAreNamed() {
        SelfTest.Result r = TelemetrySelfTest.judge(true, BROKER, new OutboxStats(6000, 10000, 7, 5));
        assertEquals(SelfTest.Outcome.WARN, r.outcome());
        assertTrue(r.message().contains("7 evicted"), r.message());
        assertTrue(r.chinese().contains("已淘汰 7 条"), r.chinese());
    }
}
