package cn.egov.api.payload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class KuraPayloadCodecTest {

    static KuraPayload allTypes() {
        return KuraPayload.builder()
                .timestamp(1_795_760_000_123L)
                .position(new KuraPosition(38.87, 115.46, 15.5, 3.0, 270.0, 1.25, 1_795_760_000_000L, 7, 2))
                .metric("double", -12.5e-3)
                .metric("float", 3.25f)
                .metric("int64", Long.MIN_VALUE)
                .metric("int64.max", Long.MAX_VALUE)
                .metric("int32", -42)
                .metric("int32.max", Integer.MAX_VALUE)
                .metric("bool.true", true)
                .metric("bool.false", false)
                .metric("string", "保定市水利局 / water")
                .metric("string.empty", "")
                .metric("bytes", new byte[] {0, 1, (byte) 0xff, 0x7f})
                .metric("bytes.empty", new byte[0])
                .body("a body".getBytes(StandardCharsets.UTF_8))
                .build();
    }

    @Test
    void roundTripsEveryMetricTypePositionAndBody() throws Exception {
        KuraPayload p = allTypes();
        KuraPayload back = KuraPayloadCodec.decode(KuraPayloadCodec.encode(p));
        assertEquals(p, back);
        assertEquals(Long.MIN_VALUE, back.metric("int64"));
        assertEquals(-42, back.metric("int32"));
        assertEquals(3.25f, back.metric("float"));
        assertArrayEquals(new byte[] {0, 1, (byte) 0xff, 0x7f}, (byte[]) back.metric("bytes"));
        assertEquals(p.position(), back.position());
        assertEquals("a body", new String(back.body(), StandardCharsets.UTF_8));
        assertEquals(p.metrics().keySet().stream().toList(), back.metrics().keySet().stream().toList(), "metric order kept");
    }

    /** The head and the body written one after the other are the encoding: what a sender streams is what decode reads. */
    @Test
    void theHeadFollowedByTheBodyIsTheEncoding() throws Exception {
        byte[] megabyte = new byte[1 << 20];
        new SplittableRandom(3).nextBytes(megabyte);
        KuraPayload big = KuraPayload.builder().timestamp(1L).metric("message.id", "m-1").metric("recipients", "130602-002,130602-003")
                .body(megabyte).build();
        for (KuraPayload p : new KuraPayload[] {allTypes(), big, KuraPayload.builder().metric("only", 1).build(),
                KuraPayload.builder().body(new byte[0]).build()}) {
            byte[] head = KuraPayloadCodec.encodeHead(p);
            byte[] streamed = Arrays.copyOf(head, head.length + (p.body() == null ? 0 : p.body().length));
            if (p.body() != null) {
                System.arraycopy(p.body(), 0, streamed, head.length, p.body().length);
            }
            assertArrayEquals(KuraPayloadCodec.encode(p), streamed);
            assertEquals(p, KuraPayloadCodec.decode(streamed));
        }
    }

    @Test
    void emptyPayloadRoundTrips() throws Exception {
        KuraPayload empty = KuraPayload.builder().build();
        byte[] wire = KuraPayloadCodec.encode(empty);
        assertEquals(0, wire.length);
        KuraPayload back = KuraPayloadCodec.decode(wire);
        assertNull(back.timestamp());
        assertNull(back.position());
        assertNull(back.body());
        assertTrue(back.metrics().isEmpty());
    }

    @Test
    void gzipRoundTripsAndIsSmallerForRepetitiveData() throws Exception {
        KuraPayload.Builder b = KuraPayload.builder().timestamp(1L);
        for (int i = 0; i < 200; i++) {
            b.metric("metric.number." + i, "the same value again");
        }
        KuraPayload p = b.build();
        byte[] gz = KuraPayloadCodec.encodeGzip(p);
        assertTrue(gz.length < KuraPayloadCodec.encode(p).length / 4, "gzip compresses");
        assertEquals(p, KuraPayloadCodec.decode(gz));
        assertEquals(allTypes(), KuraPayloadCodec.decode(KuraPayloadCodec.encodeGzip(allTypes())));
    }

    @Test
    void unknownFieldsAreSkipped() throws Exception {
        byte[] known = KuraPayloadCodec.encode(KuraPayload.builder().timestamp(5L).metric("a", 1L).build());
        // field 3 (varint 150), field 4 (fixed32), field 6000 (length 2), field 7 (fixed64): all unknown
        byte[] unknown = {0x18, (byte) 0x96, 0x01, 0x25, 1, 2, 3, 4, (byte) 0x82, (byte) 0xf7, 0x02, 2, 'h', 'i',
                0x39, 1, 2, 3, 4, 5, 6, 7, 8};
        byte[] both = concat(unknown, known);
        KuraPayload p = KuraPayloadCodec.decode(both);
        assertEquals(5L, p.timestamp());
        assertEquals(1L, p.metric("a"));
    }

    @Test
    void randomBytesNeverEscapeAsAnythingButPayloadFormatException() {
        SplittableRandom random = new SplittableRandom(20261127);
        int rejected = 0;
        for (int i = 0; i < 5_000; i++) {
            byte[] junk = new byte[random.nextInt(1, 64)];
            for (int k = 0; k < junk.length; k++) {
                junk[k] = (byte) random.nextInt(256);
            }
            try {
                KuraPayloadCodec.decode(junk);
            } catch (PayloadFormatException e) {
                rejected++;
                assertTrue(e.getMessage().matches("(?s).*(offset|wire type|metric|position|gzip|limit|truncated).*"), e.getMessage());
            }
        }
        assertTrue(rejected > 3_500, "most random inputs are rejected, got " + rejected);
    }

    @Test
    void randomMutationsOfAValidPayloadAreDecodedOrRejectedCleanly() {
        byte[] valid = KuraPayloadCodec.encode(allTypes());
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 5_000; i++) {
            byte[] m = valid.clone();
            for (int flips = random.nextInt(1, 4); flips > 0; flips--) {
                m[random.nextInt(m.length)] = (byte) random.nextInt(256);
            }
            try {
                KuraPayloadCodec.decode(m);
            } catch (PayloadFormatException expected) {
                // fine: what matters is that nothing else (index, NPE, OOM) escapes
            }
        }
    }

    @Test
    void everyTruncationInsideAFieldIsReportedWithAnOffset() throws Exception {
        KuraPayload one = KuraPayload.builder().metric("name", "a string value").build();
        byte[] valid = KuraPayloadCodec.encode(one);
        for (int cut = 1; cut < valid.length; cut++) {
            byte[] truncated = Arrays.copyOf(valid, cut);
            PayloadFormatException e = assertThrows(PayloadFormatException.class, () -> KuraPayloadCodec.decode(truncated),
                    "cut at " + cut);
            assertTrue(e.getMessage().contains("offset"), e.getMessage());
        }
        // A full-message truncation of a larger payload names the metric field.
        byte[] big = KuraPayloadCodec.encode(allTypes());
        PayloadFormatException e = assertThrows(PayloadFormatException.class,
                () -> KuraPayloadCodec.decode(Arrays.copyOf(big, big.length - 3)));
        assertTrue(e.getMessage().startsWith("truncated"), e.getMessage());
    }

    @Test
    void wrongWireTypesAreRejectedNamingTheField() {
        // timestamp (field 1) sent as length-delimited
        PayloadFormatException ts = assertThrows(PayloadFormatException.class,
                () -> KuraPayloadCodec.decode(new byte[] {0x0a, 1, 0}));
        assertEquals("field timestamp at offset 0 has wire type 2, expected 0", ts.getMessage());

        // metric (field 5000) sent as varint: key = 5000 << 3 | 0 = 40000 = 0xC0 0xB8 0x02
        PayloadFormatException metric = assertThrows(PayloadFormatException.class,
                () -> KuraPayloadCodec.decode(new byte[] {(byte) 0xc0, (byte) 0xb8, 0x02, 1}));
        assertTrue(metric.getMessage().contains("field metric at offset 0"), metric.getMessage());

        // inside a metric: long_value (field 5) as fixed64
        byte[] inner = concat(new byte[] {0x0a, 1, 'x', 0x10, 2, 0x29}, new byte[8]);
        PayloadFormatException value = assertThrows(PayloadFormatException.class,
                () -> KuraPayloadCodec.decode(wrapMetric(inner)));
        assertTrue(value.getMessage().contains("metric.long_value"), value.getMessage());

        // unsupported wire types 3/4 (groups) and 6/7
        for (int wt : new int[] {3, 4, 6, 7}) {
            byte[] bad = {(byte) ((9 << 3) | wt), 0};
            PayloadFormatException e = assertThrows(PayloadFormatException.class, () -> KuraPayloadCodec.decode(bad));
            assertTrue(e.getMessage().contains("wire type " + wt), e.getMessage());
        }
    }

    @Test
    void declaredTypeWithoutItsValueIsRejected() {
        // name "x", type INT64 (2), but a string_value (field 8) instead of long_value (field 5)
        byte[] inner = {0x0a, 1, 'x', 0x10, 2, 0x42, 2, 'h', 'i'};
        PayloadFormatException e = assertThrows(PayloadFormatException.class, () -> KuraPayloadCodec.decode(wrapMetric(inner)));
        assertEquals("metric 'x' declares type INT64 but carries no value in field 5 (it has field(s) [8])", e.getMessage());

        PayloadFormatException noValue = assertThrows(PayloadFormatException.class,
                () -> KuraPayloadCodec.decode(wrapMetric(new byte[] {0x0a, 1, 'y', 0x10, 5})));
        assertTrue(noValue.getMessage().contains("metric 'y' declares type STRING"), noValue.getMessage());

        PayloadFormatException noName = assertThrows(PayloadFormatException.class,
                () -> KuraPayloadCodec.decode(wrapMetric(new byte[] {0x10, 2, 0x28, 1})));
        assertTrue(noName.getMessage().contains("has no name"), noName.getMessage());

        PayloadFormatException noType = assertThrows(PayloadFormatException.class,
                () -> KuraPayloadCodec.decode(wrapMetric(new byte[] {0x0a, 1, 'z', 0x28, 1})));
        assertTrue(noType.getMessage().contains("metric 'z' has no type"), noType.getMessage());

        PayloadFormatException badType = assertThrows(PayloadFormatException.class,
                () -> KuraPayloadCodec.decode(wrapMetric(new byte[] {0x0a, 1, 'w', 0x10, 9, 0x28, 1})));
        assertTrue(badType.getMessage().contains("unknown type 9"), badType.getMessage());
    }

    @Test
    void positionWithoutLatitudeIsRejected() {
        byte[] pos = {0x11, 0, 0, 0, 0, 0, 0, 0, 0}; // only longitude
        byte[] wire = concat(new byte[] {0x12, (byte) pos.length}, pos);
        PayloadFormatException e = assertThrows(PayloadFormatException.class, () -> KuraPayloadCodec.decode(wire));
        assertTrue(e.getMessage().contains("latitude"), e.getMessage());
    }

    @Test
    void oversizePayloadsAreRejected() throws Exception {
        byte[] huge = new byte[KuraPayloadCodec.MAX_INFLATED_BYTES + 1];
        PayloadFormatException raw = assertThrows(PayloadFormatException.class, () -> KuraPayloadCodec.decode(huge));
        assertTrue(raw.getMessage().contains("exceeds the limit"), raw.getMessage());

        // A gzip bomb: small on the wire, inflates past the limit.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(new byte[KuraPayloadCodec.MAX_INFLATED_BYTES + 1024]);
        }
        byte[] bomb = out.toByteArray();
        assertTrue(bomb.length < 64 * 1024);
        PayloadFormatException inflated = assertThrows(PayloadFormatException.class, () -> KuraPayloadCodec.decode(bomb));
        assertTrue(inflated.getMessage().contains("inflates beyond the limit"), inflated.getMessage());

        // A length field that claims more than the payload holds.
        byte[] liar = {(byte) 0xca, (byte) 0xb8, 0x02, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 1, 2};
        PayloadFormatException len = assertThrows(PayloadFormatException.class, () -> KuraPayloadCodec.decode(liar));
        assertTrue(len.getMessage().startsWith("truncated body at offset"), len.getMessage());
    }

    @Test
    void corruptGzipIsRejected() {
        byte[] gz = KuraPayloadCodec.encodeGzip(allTypes());
        byte[] cut = Arrays.copyOf(gz, gz.length / 2);
        PayloadFormatException e = assertThrows(PayloadFormatException.class, () -> KuraPayloadCodec.decode(cut));
        assertTrue(e.getMessage().startsWith("gzip payload is corrupt"), e.getMessage());
        assertThrows(PayloadFormatException.class, () -> KuraPayloadCodec.decode(null));
    }

    /** Wraps metric bytes as field 5000 of a payload. */
    private static byte[] wrapMetric(byte[] inner) {
        return concat(new byte[] {(byte) 0xc2, (byte) 0xb8, 0x02, (byte) inner.length}, inner);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
