package cn.egov.manager.ingest;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.store.MetricsJson;
import cn.egov.rules.unit.UnitCode;

/** The outcome of decoding one {@link InboundMessage}: a message to store, or malformed input to count. */
public sealed interface IngestRecord {

    InboundMessage raw();

    /**
     * A well-formed message.
     *
     * @param id          the box's message id, or {@code null} when the sender set none (then it cannot be de-duplicated)
     * @param metricsJson the metrics as the store keeps them ({@link MetricsJson}), rendered where the message is
     *                    decoded, off the single writer thread (in the storm's drain Jackson was a quarter of its
     *                    work); {@code null} for an alarm, whose row keeps its evidence instead
     */
    record Decoded(IngestKind kind, KuraTopic topic, UnitCode unit, KuraPayload payload, MessageId id, InboundMessage raw,
                   String metricsJson) implements IngestRecord {

        /** Renders the metrics JSON now, on the calling thread. */
        public Decoded(IngestKind kind, KuraTopic topic, UnitCode unit, KuraPayload payload, MessageId id, InboundMessage raw) {
            this(kind, topic, unit, payload, id, raw, kind == IngestKind.ALARM ? null : MetricsJson.write(payload.metrics()));
        }
    }

    /**
     * Input that cannot be stored as a message.
     *
     * @param reason stable short name, counted per reason: see {@link MalformedReason}
     * @param detail what exactly is wrong (offset, field, metric)
     */
    record Malformed(MalformedReason reason, String detail, InboundMessage raw) implements IngestRecord {
    }
}
