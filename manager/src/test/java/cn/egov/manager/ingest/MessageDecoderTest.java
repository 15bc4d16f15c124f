package cn.egov.manager.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.MessageId;
import org.junit.jupiter.api.Test;

class MessageDecoderTest {

    private final MessageDecoder decoder = new MessageDecoder("hebei", 1024);

    private IngestRecord decode(String topic, byte[] payload) {
        return decoder.decode(new InboundMessage(topic, payload, 1, 1, 0));
    }

    private static byte[] health(Object cpu) {
        return KuraPayloadCodec.encode(KuraPayload.builder().metric(BoxMetrics.CPU_LOAD, cpu)
                .metric(MessageId.EPOCH_METRIC, "e1").metric(MessageId.SEQUENCE_METRIC, 5L).build());
    }

    private static MalformedReason reason(IngestRecord r) {
        return assertInstanceOf(IngestRecord.Malformed.class, r).reason();
    }

    @Test
    void goodHealthCarriesItsMessageId() {
        IngestRecord.Decoded d = assertInstanceOf(IngestRecord.Decoded.class, decode("hebei/130602-001/HEALTH/status", health(0.3)));
        assertEquals(IngestKind.HEALTH, d.kind());
        assertEquals(new MessageId("e1", 5), d.id());
        assertEquals("130602-001", d.unit().toString());
    }

    @Test
    void kindsFromTopics() {
        byte[] empty = new byte[0];
        assertEquals(IngestKind.BIRTH, ((IngestRecord.Decoded) decode("$EDC/hebei/130602-001/MQTT/BIRTH", empty)).kind());
        assertEquals(IngestKind.LWT, ((IngestRecord.Decoded) decode("$EDC/hebei/130602-001/MQTT/LWT", empty)).kind());
        assertEquals(IngestKind.DC, ((IngestRecord.Decoded) decode("$EDC/hebei/130602-001/MQTT/DC", empty)).kind());
        assertEquals(IngestKind.ALARM, ((IngestRecord.Decoded) decode("hebei/130602-001/ALARM/outbox.eviction", empty)).kind());
        assertEquals(IngestKind.TELEMETRY, ((IngestRecord.Decoded) decode("hebei/130602-001/ISOLATION/policy", empty)).kind());
    }

    @Test
    void everyReason() {
        assertEquals(MalformedReason.TOO_LARGE, reason(decode("hebei/130602-001/HEALTH/status", new byte[2000])));
        assertEquals(MalformedReason.BAD_TOPIC, reason(decode("hebei/130602-001", new byte[0])));
        assertEquals(MalformedReason.WRONG_ACCOUNT, reason(decode("shanxi/130602-001/HEALTH/status", health(0.1))));
        assertEquals(MalformedReason.UNKNOWN_CLIENT_ID, reason(decode("hebei/box-7/HEALTH/status", health(0.1))));
        assertEquals(MalformedReason.BAD_PAYLOAD, reason(decode("hebei/130602-001/HEALTH/status", new byte[] {(byte) 0xff, 1, 2})));
        assertEquals(MalformedReason.WRONG_METRIC_TYPE, reason(decode("hebei/130602-001/HEALTH/status", health("busy"))));
        assertEquals(MalformedReason.UNKNOWN_LIFECYCLE, reason(decode("$EDC/hebei/130602-001/MQTT/HELLO", new byte[0])));
        byte[] otherBirth = KuraPayloadCodec.encode(KuraPayload.builder().metric(BoxMetrics.UNIT_CODE, "130603-001").build());
        assertEquals(MalformedReason.IDENTITY_MISMATCH, reason(decode("$EDC/hebei/130602-001/MQTT/BIRTH", otherBirth)));
        byte[] doubleSeq = KuraPayloadCodec.encode(KuraPayload.builder().metric(MessageId.EPOCH_METRIC, "e")
                .metric(MessageId.SEQUENCE_METRIC, 1.5).build());
        assertEquals(MalformedReason.WRONG_METRIC_TYPE, reason(decode("hebei/130602-001/X/y", doubleSeq)));
    }

    @Test
    void detailNamesTheProblem() {
        IngestRecord.Malformed m = (IngestRecord.Malformed) decode("hebei/130602-001/HEALTH/status", health("busy"));
        assertTrue(m.detail().contains("cpu_load") && m.detail().contains("busy"), m.detail());
        IngestRecord.Malformed t = (IngestRecord.Malformed) decode("hebei/130602-001/HEALTH/status",
                java.util.Arrays.copyOf(health(0.2), 10));
        assertTrue(t.detail().contains("offset"), t.detail());
    }
}
