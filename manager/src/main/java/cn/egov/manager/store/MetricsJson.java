package cn.egov.manager.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Metric maps as JSON text columns (byte values become base64; NaN is kept as a JSON token). */
public final class MetricsJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private MetricsJson() {
    }

    public static String write(Map<String, ?> metrics) {
        try {
            return flat(metrics);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metrics cannot be written as JSON: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
    }

    /**
     * A map of Kura metric values (each message's), written field by field with the mapper's own
     * generator, so the text is the mapper's (the same features: NaN, base64, escapes); the mapper's
     * look-up of a serializer per value was a fifth of the ingest decoder's work in the storm. Anything
     * else in the map goes through the mapper.
     */
    private static String flat(Map<String, ?> metrics) throws IOException {
        StringWriter out = new StringWriter(32 * metrics.size() + 2);
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, ?> e : metrics.entrySet()) {
                g.writeFieldName(e.getKey());
                Object v = e.getValue();
                if (v instanceof Double d) {
                    g.writeNumber(d);
                } else if (v instanceof Long l) {
                    g.writeNumber(l);
                } else if (v instanceof String t) {
                    g.writeString(t);
                } else if (v instanceof Integer i) {
                    g.writeNumber(i);
                } else if (v instanceof Float f) {
                    g.writeNumber(f);
                } else if (v instanceof Boolean b) {
                    g.writeBoolean(b);
                } else {
                    MAPPER.writeValue(g, v); // byte[] (base64), null, anything else: as the mapper writes it
                }
            }
            g.writeEndObject();
        }
        return out.toString();
    }

    public static Map<String, Object> read(String json) {
        if (json == null || json.isEmpty()) {
            return Map.of();
        }
        try {
            return MAPPER.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stored metrics are not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
