package cn.egov.manager.noc;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.support.SimulatedBox;
import java.util.Map;

/** What the NOC tests' simulated boxes send besides BIRTH and health: reports and alarms, each with a message id. */
final class NocBoxes {

    private NocBoxes() {
    }

    private static long seq = 1_000_000;

    /** A telemetry report {@code <app>/<resource>} with these metrics. */
    static void report(SimulatedBox box, String app, String resource, Map<String, Object> metrics) throws Exception {
        KuraPayload p = KuraPayload.builder().timestamp(System.currentTimeMillis()).metrics(metrics)
                .metric(MessageId.EPOCH_METRIC, box.epoch() + "-noc").metric(MessageId.SEQUENCE_METRIC, next()).build();
        box.publish(KuraTopic.telemetry(SimulatedBox.ACCOUNT, box.clientId(), app, resource).toString(), KuraPayloadCodec.encode(p));
    }

    /** An alarm as a box raises it. */
    static void alarm(SimulatedBox box, Alarm alarm) throws Exception {
        KuraPayload p = KuraPayload.builder().timestamp(alarm.time()).metrics(alarm.toPayload().metrics())
                .metric(MessageId.EPOCH_METRIC, box.epoch() + "-noc").metric(MessageId.SEQUENCE_METRIC, next()).build();
        box.publish(KuraTopic.telemetry(SimulatedBox.ACCOUNT, box.clientId(), Alarm.APP_ID, alarm.kind()).toString(),
                KuraPayloadCodec.encode(p));
    }

    /** A health message with these figures (the graphs' input). */
    static void health(SimulatedBox box, long time, double cpu) throws Exception {
        KuraPayload p = KuraPayload.builder().timestamp(time).metric("cpu_load", cpu).metric("heap_used_bytes", 50_000_000L)
                .metric("disk_free_bytes", 2_000_000_000L).metric("outbox_depth", 0L)
                .metric(MessageId.EPOCH_METRIC, box.epoch() + "-noc").metric(MessageId.SEQUENCE_METRIC, next()).build();
        box.publish(KuraTopic.telemetry(SimulatedBox.ACCOUNT, box.clientId(), "HEALTH", "status").toString(), KuraPayloadCodec.encode(p));
    }

    private static synchronized long next() {
        return seq++;
    }
}
