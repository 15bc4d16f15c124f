package cn.egov.telemetry;

import java.util.Map;

/**
 * Reads typed values from a configuration map (OSGi ConfigAdmin properties, or a properties file
 * read by {@link StandaloneTelemetry}), so both paths validate the same way. Every error names the
 * source (PID or file) and the key.
 */
public final class ConfigValues {
    private final String source;
    private final Map<String, ?> values;

    public ConfigValues(String source, Map<String, ?> values) {
        this.source = source;
        this.values = values;
    }

    public String string(String key, String fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        String s = v.toString().trim();
        return s.isEmpty() ? fallback : s;
    }

    public String required(String key) {
        String s = string(key, null);
        if (s == null) {
            throw error(key, "is missing");
        }
        return s;
    }

    /** An integer in [min, max]; strings such as {@code "60"} are accepted. */
    public int integer(String key, int fallback, int min, int max) {
        Object v = values.get(key);
        long n;
        if (v == null || v.toString().isBlank()) {
            n = fallback;
        } else if (v instanceof Number num) {
            n = num.longValue();
        } else {
            try {
                n = Long.parseLong(v.toString().trim());
            } catch (NumberFormatException e) {
                throw error(key, "must be a whole number, got '" + v + "'");
            }
        }
        if (n < min || n > max) {
            throw error(key, "must be between " + min + " and " + max + ", got " + n);
        }
        return (int) n;
    }

    public IllegalArgumentException error(String key, String problem) {
        return new IllegalArgumentException(source + ": " + key + " " + problem);
    }

    public String source() {
        return source;
    }
}
