package cn.egov.manager.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.BoxMetrics;
import org.junit.jupiter.api.Test;

/** String metrics are bounded as the box's schema bounds them; details quote box text with control characters escaped. */
class MessageDecoderStringBoundsTest {

    private static final String BIRTH = "$EDC/hebei/130602-001/MQTT/BIRTH";
    private final MessageDecoder decoder = new MessageDecoder("hebei", 4 * 1024 * 1024);

    private IngestRecord decode(String topic, KuraPayload p) {
        return decoder.decode(new InboundMessage(topic, KuraPayloadCodec.encode(p), 1, 1, 0));
    }

    @Test
    void aHundredThousandCharacterDisplayNameIsMalformedAndTheBoxsOwnBoundPasses() {
        IngestRecord.Malformed bad = assertInstanceOf(IngestRecord.Malformed.class,
                decode(BIRTH, KuraPayload.builder().metric(BoxMetrics.DISPLAY_NAME, "名".repeat(100_000)).build()));
        assertEquals(MalformedReason.STRING_TOO_LONG, bad.reason());
        assertEquals("metric 'display_name' is 100000 characters, limit 128", bad.detail());
        assertInstanceOf(IngestRecord.Decoded.class,
                decode(BIRTH, KuraPayload.builder().metric(BoxMetrics.DISPLAY_NAME, "名".repeat(128)).build()));
        assertEquals(MalformedReason.STRING_TOO_LONG, assertInstanceOf(IngestRecord.Malformed.class,
                decode(BIRTH, KuraPayload.builder().metric(BoxMetrics.DISPLAY_NAME, "x".repeat(129)).build())).reason());
    }

    @Test
    void otherStringsHaveTheGeneralBoundAndNamesTheirs() {
        String topic = "hebei/130602-001/ISOLATION/policy";
        assertInstanceOf(IngestRecord.Decoded.class, decode(topic, KuraPayload.builder()
                .metric("reason", "r".repeat(MessageDecoder.MAX_STRING_CHARS)).build()));
        assertEquals(MalformedReason.STRING_TOO_LONG, assertInstanceOf(IngestRecord.Malformed.class, decode(topic,
                KuraPayload.builder().metric("reason", "r".repeat(MessageDecoder.MAX_STRING_CHARS + 1)).build())).reason());
        IngestRecord.Malformed longName = assertInstanceOf(IngestRecord.Malformed.class, decode(topic,
                KuraPayload.builder().metric("n".repeat(MessageDecoder.MAX_NAME_CHARS + 1), 1L).build()));
        assertEquals(MalformedReason.STRING_TOO_LONG, longName.reason());
        assertFalse(longName.detail().contains("nnnnnnnnnn"), "the detail does not repeat the long name: " + longName.detail());
    }

    @Test
    void boundsCountCharactersNotUtf16Units() {
        // a CJK Extension B character (rare in names and places) is one character, two UTF-16 units
        String topic = "hebei/130602-001/DUTY/report";
        assertInstanceOf(IngestRecord.Decoded.class, decode(topic, KuraPayload.builder()
                .metric("description", "𠀀".repeat(MessageDecoder.MAX_STRING_CHARS)).build()));
        IngestRecord.Malformed bad = assertInstanceOf(IngestRecord.Malformed.class, decode(topic, KuraPayload.builder()
                .metric("description", "𠀀".repeat(MessageDecoder.MAX_STRING_CHARS + 1)).build()));
        assertEquals("metric 'description' is 4097 characters, limit 4096", bad.detail());
    }

    @Test
    void aNewlineInAMetricValueIsEscapedInTheDetail() {
        IngestRecord.Malformed bad = assertInstanceOf(IngestRecord.Malformed.class, decode("hebei/130602-001/HEALTH/status",
                KuraPayload.builder().metric(BoxMetrics.CPU_LOAD, "0.5\n2026-12-04 INFO forged line").build()));
        assertEquals(MalformedReason.WRONG_METRIC_TYPE, bad.reason());
        assertFalse(bad.detail().contains("\n"), bad.detail());
        assertTrue(bad.detail().contains("0.5\\n2026-12-04 INFO forged"), bad.detail());
    }
}
