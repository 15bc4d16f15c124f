package cn.egov.telemetry;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
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

    /**
     * A list: a {@code String[]} or collection (ConfigAdmin, from a Metatype attribute with a
     * cardinality), or one string with entries separated by commas (a properties file). Blank
     * entries are dropped; nothing given means {@code fallback}.
     */
    public java.util.List<String> list(String key, java.util.List<String> fallback) {
        Object v = values.get(key);
        java.util.stream.Stream<?> raw;
        if (v == null) {
            return fallback;
        } else if (v instanceof Object[] array) {
            raw = java.util.Arrays.stream(array);
        } else if (v instanceof java.util.Collection<?> c) {
            raw = c.stream();
        } else {
            raw = java.util.Arrays.stream(v.toString().split(","));
        }
        java.util.List<String> out = raw.map(o -> String.valueOf(o).trim()).filter(s -> !s.isEmpty()).toList();
        return out.isEmpty() ? fallback : out;
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
        long n = whole(key, fallback);
        if (n < min || n > max) {
            throw error(key, "must be between " + min + " and " + max + ", got " + n);
        }
        return (int) n;
    }

    /**
     * A positive duration given in whole {@code unit}s (the key's suffix says which, e.g.
     * {@code health.interval.s}), at most {@code max} of them. Errors name the key and the
     * number as written: "health.interval.s must be positive, got 0", never "PT0S".
     */
    public Duration positiveDuration(String key, long fallback, ChronoUnit unit, long max) {
        long n = whole(key, fallback);
        if (n <= 0) {
            throw error(key, "must be positive, got " + n);
        }
        if (n > max) {
            throw error(key, "must be at most " + max + ", got " + n);
        }
        return Duration.of(n, unit);
    }

    private long whole(String key, long fallback) {
        Object v = values.get(key);
        if (v == null || v.toString().isBlank()) {
            return fallback;
        }
        if (v instanceof Number num) {
            return num.longValue();
        }
        try {
            return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw error(key, "must be a whole number, got '" + v + "'");
        }
    }

    public IllegalArgumentException error(String key, String problem) {
        return new IllegalArgumentException(source + ": " + key + " " + problem);
    }

    public String source() {
        return source;
    }
}
