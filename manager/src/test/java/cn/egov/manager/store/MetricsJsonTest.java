package cn.egov.manager.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metrics JSON written field by field is the text the mapper writes, and reads back to the same values. */
class MetricsJsonTest {

    @Test
    void theMappersTextForEveryKuraValueType() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu.load", 0.25);
        m.put("big", 1.0E21);
        m.put("nan", Double.NaN);
        m.put("inf", Double.NEGATIVE_INFINITY);
        m.put("float", 1.5f);
        m.put("heap.used", 40_000_000L);
        m.put("int", -7);
        m.put("ok", true);
        m.put("msg.epoch", "5b0e\"quoted\" \\ back\nline\u0001 石家庄 \uD840\uDC0B");
        m.put("bytes", new byte[] {0, 1, (byte) 0xFF});
        m.put("absent", null);
        String json = MetricsJson.write(m);
        assertEquals(new ObjectMapper().writeValueAsString(m), json);
        Map<String, Object> back = MetricsJson.read(json);
        assertEquals(0.25, back.get("cpu.load"));
        assertEquals(40_000_000, ((Number) back.get("heap.used")).longValue());
        assertEquals("NaN", back.get("nan"), "NaN as the mapper writes it");
        assertEquals(m.get("msg.epoch"), back.get("msg.epoch"));
        assertArrayEquals(new byte[] {0, 1, (byte) 0xFF}, Base64.getDecoder().decode((String) back.get("bytes")));
        assertEquals("{}", MetricsJson.write(Map.of()));
    }
}
