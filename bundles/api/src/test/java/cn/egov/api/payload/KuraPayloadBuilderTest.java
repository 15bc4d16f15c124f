package cn.egov.api.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A payload keeps the metrics it was built with, whatever the builder or the caller's map does next. */
class KuraPayloadBuilderTest {

    @Test
    void aBuilderUsedAgainLeavesTheFirstPayloadAsItWas() {
        KuraPayload.Builder b = KuraPayload.builder().metric("a", 1L).metric("b", "x");
        KuraPayload first = b.build();
        KuraPayload again = b.build();
        KuraPayload second = b.metric("c", 2.5).metric("a", 7L).build();
        assertEquals(Map.of("a", 1L, "b", "x"), first.metrics());
        assertEquals(first, again);
        assertEquals(Map.of("a", 7L, "b", "x", "c", 2.5), second.metrics());
        assertEquals(List.of("a", "b", "c"), List.copyOf(second.metrics().keySet()), "in the order first set");
        assertThrows(UnsupportedOperationException.class, () -> first.metrics().put("d", 1L));
    }

    @Test
    void aCallersMapIsCopiedAndChecked() {
        Map<String, Object> mine = new LinkedHashMap<>(Map.of("a", 1L));
        KuraPayload p = new KuraPayload(null, null, mine, null);
        mine.put("b", 2L);
        assertEquals(Map.of("a", 1L), p.metrics());
        mine.put("c", new Object());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KuraPayload(null, null, mine, null));
        assertEquals("unsupported metric value type: java.lang.Object", e.getMessage());
    }
}
