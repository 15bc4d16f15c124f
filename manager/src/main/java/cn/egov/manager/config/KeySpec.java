package cn.egov.manager.config;

import java.util.Objects;

/**
 * One key of a part's configuration (full name with the part's prefix, e.g. {@code plan.dir}):
 * its default, its meaning and its check. The part's list of these is its schema: loading refuses
 * a key under the part's prefix that the list lacks, and a value the check refuses, naming file
 * and line; {@code manager config-keys} prints it.
 *
 * @param key          full key, {@code <part>.<name>}
 * @param defaultValue the value when the file does not set it
 * @param description  one sentence for the sample file and the README
 * @param check        judges a value set in the file
 */
public record KeySpec(String key, String defaultValue, String description, Check check) {

    /** Judges one value: null when it is fine, else what is wrong (the key and place are added). */
    @FunctionalInterface
    public interface Check {
        String problem(String value);
    }

    public KeySpec {
        Objects.requireNonNull(key, "key");
        if (key.indexOf('.') <= 0) {
            throw new IllegalArgumentException("a part's key is '<part>.<name>', got '" + key + "'");
        }
        defaultValue = defaultValue == null ? "" : defaultValue;
        check = check == null ? TEXT : check;
    }

    /** A key whose value is any text. */
    public KeySpec(String key, String defaultValue, String description) {
        this(key, defaultValue, description, TEXT);
    }

    /** The part's prefix with its dot, e.g. {@code plan.}. */
    public String prefix() {
        return key.substring(0, key.indexOf('.') + 1);
    }

    /** The key without its part's prefix, as {@link ManagerConfig#extension(String)} returns it. */
    public String shortKey() {
        return key.substring(key.indexOf('.') + 1);
    }

    /** Any text. */
    public static final Check TEXT = v -> null;

    /**
     * A whole number of at least {@code min} (empty allowed when {@code optional}), and at most
     * {@link Integer#MAX_VALUE}: the parts read such a number as a count ({@link PartValues#integer})
     * or a duration ({@code Duration.ofDays}), and a larger one would overflow there, after the file
     * was accepted, instead of being refused here with its file and line.
     */
    public static Check atLeast(long min, boolean optional) {
        return between(min, Integer.MAX_VALUE, optional);
    }

    /** A whole number from {@code min} to {@code max} (empty allowed when {@code optional}). */
    public static Check between(long min, long max, boolean optional) {
        return v -> {
            if (v.isEmpty() && optional) {
                return null;
            }
            String bad = "must be a whole number from " + min + " to " + max + ", got '" + v + "'";
            try {
                long n = Long.parseLong(v);
                return n < min || n > max ? bad : null;
            } catch (NumberFormatException e) {
                return bad;
            }
        };
    }

    /** A whole number from {@code min} to {@code max}. */
    public static Check between(long min, long max) {
        return between(min, max, false);
    }

    /** Documented sample lines of a part's keys for the configuration file, under a heading. */
    public static String sample(String heading, java.util.Collection<KeySpec> keys) {
        StringBuilder sb = new StringBuilder("# ").append(heading).append('\n');
        for (KeySpec k : keys) {
            sb.append("\n# ").append(k.description()).append('\n').append('#').append(k.key()).append(" = ").append(k.defaultValue()).append('\n');
        }
        return sb.toString();
    }

    /** {@code true} or {@code false}. */
    public static final Check FLAG = v -> v.equals("true") || v.equals("false") ? null : "must be true or false, got '" + v + "'";

    /** A number in (0, 1]. */
    public static final Check RATIO = v -> {
        try {
            double d = Double.parseDouble(v);
            return d > 0 && d <= 1 ? null : "must be a number in (0, 1], got '" + v + "'";
        } catch (NumberFormatException e) {
            return "must be a number in (0, 1], got '" + v + "'";
        }
    };

    /** A port 0..65535 (empty allowed when {@code optional}). */
    public static Check port(boolean optional) {
        return v -> {
            if (v.isEmpty() && optional) {
                return null;
            }
            try {
                int p = Integer.parseInt(v);
                return p < 0 || p > 65535 ? "must be a port 0..65535, got " + v : null;
            } catch (NumberFormatException e) {
                return "must be a port 0..65535, got '" + v + "'";
            }
        };
    }

    /** One of the given words. */
    public static Check oneOf(String... words) {
        java.util.List<String> allowed = java.util.List.of(words);
        return v -> allowed.contains(v) ? null : "must be one of " + String.join(", ", allowed) + ", got '" + v + "'";
    }
}
