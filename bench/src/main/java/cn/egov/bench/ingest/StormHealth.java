package cn.egov.bench.ingest;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.ingest.InboundMessage;
import cn.egov.rules.plan.Divisions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Health messages of many boxes (units of Hebei's counties), interleaved as in the storm's drain:
 * message {@code i} is box {@code i % boxes}'s number {@code i / boxes}, with its epoch and sequence.
 */
final class StormHealth {

    /** A box's figures in its health message number {@code seq}. */
    @FunctionalInterface
    interface Figures {
        KuraPayload.Builder add(long seq, KuraPayload.Builder payload);
    }

    private StormHealth() {
    }

    static List<InboundMessage> messages(int messages, int boxes, IntFunction<String> epochOfBox, Figures figures) {
        List<String> counties = Divisions.hebei().all().stream().filter(d -> d.level() == 3).map(Divisions.Division::code).toList();
        List<InboundMessage> out = new ArrayList<>(messages);
        long t0 = System.currentTimeMillis();
        for (int i = 0; i < messages; i++) {
            int b = i % boxes;
            long seq = i / boxes;
            String unit = counties.get(b % counties.size()) + String.format("-%03d", b / counties.size() + 1);
            KuraPayload p = figures.add(seq, KuraPayload.builder().timestamp(t0 + i)).metric(MessageId.EPOCH_METRIC, epochOfBox.apply(b))
                    .metric(MessageId.SEQUENCE_METRIC, seq).build();
            String topic = KuraTopic.telemetry("hebei", unit, BoxMetrics.HEALTH_APP, BoxMetrics.HEALTH_RESOURCE).toString();
            out.add(new InboundMessage(topic, KuraPayloadCodec.encode(p), i, 1, t0 + i));
        }
        return out;
    }
}
