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
        String depth = outbox.depth() + " of " + outbox.capacity() + " messages waiting in the outbox"
                + (outbox.evicted() > 0 ? ", " + outbox.evicted() + " evicted since it was created" : "");
        if (!connected) {
            String sentence = "Not connected to the broker " + broker + " (" + depth + "): check the network to the "
                    + "backbone (tunnel, 'appliance vpn status') and broker.url; nothing is lost, the outbox keeps it.";
            return outbox.depth() > 0 ? Result.fail(sentence) : Result.warn(sentence);
        }
        if (outbox.depth() * 2 > outbox.capacity()) {
            return Result.warn("Connected to " + broker + ", but " + depth + ": the link drains slower than the box reports.");
        }
        return Result.ok("Connected to " + broker + "; " + depth + ".");
    }
}
