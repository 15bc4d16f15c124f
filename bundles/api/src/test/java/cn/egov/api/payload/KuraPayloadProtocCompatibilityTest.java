package cn.egov.api.payload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Our hand-written codec against Google's: protoc (Debian's protobuf-compiler) decodes what we
 * encode, and we decode what protoc encodes from the same schema, {@code kurapayload.proto}.
 */
class KuraPayloadProtocCompatibilityTest {
    private static final Path PROTO_DIR = Path.of("src/main/proto").toAbsolutePath();

    @Test
    void protocDecodesOurEncoding() throws Exception {
        String text = new String(protoc("--decode=kuradatatypes.KuraPayload", KuraPayloadCodec.encode(KuraPayloadCodecTest.allTypes())),
                StandardCharsets.UTF_8);
        assertTrue(text.startsWith("timestamp: 1795760000123\n"), text);
        assertTrue(text.contains("latitude: 38.87\n  longitude: 115.46"), text);
        assertTrue(text.contains("name: \"int64\"\n  type: INT64\n  long_value: -9223372036854775808"), text);
        assertTrue(text.contains("name: \"int32\"\n  type: INT32\n  int_value: -42"), text);
        assertTrue(text.contains("name: \"float\"\n  type: FLOAT\n  float_value: 3.25"), text);
        assertTrue(text.contains("name: \"double\"\n  type: DOUBLE\n  double_value: -0.0125"), text);
        assertTrue(text.contains("name: \"bool.false\"\n  type: BOOL\n  bool_value: false"), text);
        assertTrue(text.contains("name: \"bytes\"\n  type: BYTES\n  bytes_value: \"\\000\\001\\377\\177\""), text);
        assertTrue(text.contains("body: \"a body\""), text);
    }

    @Test
    void weDecodeProtocsEncoding() throws Exception {
        String text = """
                timestamp: 42
                metric { name: "uptime" type: INT64 long_value: 1234 }
                metric { name: "display_name" type: STRING string_value: "\\344\\277\\235\\345\\256\\232" }
                metric { name: "cpu_load" type: DOUBLE double_value: 0.5 }
                metric { name: "n" type: INT32 int_value: -7 }
                metric { name: "ok" type: BOOL bool_value: true }
                metric { name: "f" type: FLOAT float_value: 1.5 }
                metric { name: "raw" type: BYTES bytes_value: "\\001\\002" }
                body: "xyz"
                """;
        KuraPayload p = KuraPayloadCodec.decode(protoc("--encode=kuradatatypes.KuraPayload", text.getBytes(StandardCharsets.UTF_8)));
        assertEquals(42L, p.timestamp());
        assertEquals(1234L, p.metric("uptime"));
        assertEquals("保定", p.metric("display_name"));
        assertEquals(0.5, p.metric("cpu_load"));
        assertEquals(-7, p.metric("n"));
        assertEquals(true, p.metric("ok"));
        assertEquals(1.5f, p.metric("f"));
        assertArrayEquals(new byte[] {1, 2}, (byte[]) p.metric("raw"));
        assertArrayEquals("xyz".getBytes(StandardCharsets.UTF_8), p.body());
    }

    private static byte[] protoc(String mode, byte[] input) throws Exception {
        Process p = new ProcessBuilder("protoc", "--proto_path=" + PROTO_DIR, mode, PROTO_DIR.resolve("kurapayload.proto").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(input);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream s = p.getInputStream()) {
            s.transferTo(out);
        }
        assertEquals(0, p.waitFor(), "protoc " + mode + " failed");
        return out.toByteArray();
    }
}
