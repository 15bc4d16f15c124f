package cn.egov.manager.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** Metric maps as JSON text columns (byte values become base64; NaN is kept as a JSON token). */
public final class MetricsJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private MetricsJson() {
    }

    public static String write(Map<String, ?> metrics) {
        try {
            return MAPPER.writeValueAsString(metrics);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metrics cannot be written as JSON: " + e.getMessage(), e);
        }
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
