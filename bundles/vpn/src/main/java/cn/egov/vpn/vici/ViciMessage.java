package cn.egov.vpn.vici;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One VICI message: an ordered tree of named values. A value is a {@link String}, a
 * {@code List<String>} or a nested {@link ViciMessage} (a section). Element order is kept because
 * strongSwan sends sections (e.g. IKE SAs) in a meaningful order.
 */
public record ViciMessage(Map<String, Object> elements) {

    public static final ViciMessage EMPTY = new ViciMessage(Map.of());

    public ViciMessage {
        Map<String, Object> copy = new LinkedHashMap<>();
        elements.forEach((k, v) -> copy.put(k, checkValue(k, v)));
        elements = Collections.unmodifiableMap(copy);
    }

    private static Object checkValue(String key, Object v) {
        if (v instanceof String || v instanceof ViciMessage) {
            return v;
        }
        if (v instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw new IllegalArgumentException("VICI list '" + key + "' may hold only strings, got " + o);
                }
                items.add(s);
            }
            return List.copyOf(items);
        }
        throw new IllegalArgumentException("VICI element '" + key + "' must be a string, list or section, got " + v);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A key/value, or null when absent or not a plain value. */
    public String value(String key) {
        return elements.get(key) instanceof String s ? s : null;
    }

    /** A key/value as a long, or {@code fallback} when absent or not a number. */
    public long longValue(String key, long fallback) {
        String v = value(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** A nested section, or {@link #EMPTY} when absent. */
    public ViciMessage section(String key) {
        return elements.get(key) instanceof ViciMessage m ? m : EMPTY;
    }

    @SuppressWarnings("unchecked")
    public List<String> list(String key) {
        return elements.get(key) instanceof List<?> l ? (List<String>) l : List.of();
    }

    /** The sections directly under this message, by name, in wire order. */
    public Map<String, ViciMessage> sections() {
        Map<String, ViciMessage> out = new LinkedHashMap<>();
        elements.forEach((k, v) -> {
            if (v instanceof ViciMessage m) {
                out.put(k, m);
            }
        });
        return out;
    }

    /** Builds a message in order. */
    public static final class Builder {
        private final Map<String, Object> elements = new LinkedHashMap<>();

        public Builder put(String key, String value) {
            elements.put(key, value);
            return this;
        }

        public Builder put(String key, List<String> values) {
            elements.put(key, values);
            return this;
        }

        public Builder put(String key, ViciMessage section) {
            elements.put(key, section);
            return this;
        }

        public ViciMessage build() {
            return new ViciMessage(elements);
        }
    }
}
