package cn.egov.telemetry.health;

import cn.egov.api.selftest.SelfTest.Result;
import cn.egov.telemetry.outbox.OutboxStats;

/**
 * The telemetry stack's self-test sentence: is the MQTT link up, and how full is the outbox. A
 * link that is down with messages waiting is a failure (nothing reaches the province); a link that
 * is down with an empty outbox, or an outbox more than half full, is a warning.
 */
public final class TelemetrySelfTest {
    private TelemetrySelfTest() {
    }

    public static Result judge(boolean connected, String broker, OutboxStats outbox) {
        String depthZh = "发件箱中有 " + outbox.depth() + " 条消息等待发送（容量 " + outbox.capacity() + "）"
                + (outbox.evicted() > 0 ? "，建立以来已淘汰 " + outbox.evicted() + " 条" : "");
        String depth = outbox.depth() + " of " + outbox.capacity() + " messages waiting in the outbox"
                + (outbox.evicted() > 0 ? ", " + outbox.evicted() + " evicted since it was created" : "");
        if (!connected) {
            String chinese = "没有连上消息服务器 " + broker + "（" + depthZh + "）：请检查到骨干网的网络（隧道，'appliance vpn status'）"
                    + "和 broker.url；消息不会丢失，发件箱会保存。";
            String english = "Not connected to the broker " + broker + " (" + depth + "): check the network to the "
                    + "backbone (tunnel, 'appliance vpn status') and broker.url; nothing is lost, the outbox keeps it.";
            return outbox.depth() > 0 ? Result.fail(chinese, english) : Result.warn(chinese, english);
        }
        if (outbox.depth() * 2 > outbox.capacity()) {
            return Result.warn("已连上 " + broker + "，但" + depthZh + "：链路发送的速度比本机产生消息慢。",
                    "Connected to " + broker + ", but " + depth + ": the link drains slower than the box reports.");
        }
        return Result.ok("已连上 " + broker + "；" + depthZh + "。", "Connected to " + broker + "; " + depth + ".");
    }
}
