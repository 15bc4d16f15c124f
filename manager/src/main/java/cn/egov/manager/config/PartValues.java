package cn.egov.manager.config;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A part's values by short key, with its schema's defaults filled in and every value already
 * accepted by its key's check (when the file was loaded, or by {@link ManagerConfig#part}), so the
 * typed reads below cannot fail on a value the check let through.
 *
 * @param source the configuration's source (file name), for errors a part raises itself
 * @param values value by short key
 */
public record PartValues(String source, Map<String, String> values) {

    public PartValues {
        values = Map.copyOf(values);
    }

    /** The part's values of a configuration, checked against its keys. */
    public static PartValues of(ManagerConfig config, PartKey... keys) {
        return new PartValues(config.source(), config.part(PartKey.specs(keys)));
    }

    public String text(PartKey k) {
        String v = values.get(k.shortKey());
        if (v == null) {
            throw new IllegalArgumentException("the part has no key '" + k.key() + "'");
        }
        return v.strip();
    }

    public long number(PartKey k) {
        return Long.parseLong(text(k));
    }

    /** A number whose check bounds it to an int. */
    public int integer(PartKey k) {
        return Math.toIntExact(number(k));
    }

    public double ratio(PartKey k) {
        return Double.parseDouble(text(k));
    }

    public boolean flag(PartKey k) {
        return Boolean.parseBoolean(text(k));
    }

    /** Comma-separated items, blanks dropped. */
    public List<String> list(PartKey k) {
        return Arrays.stream(text(k).split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }

    /** An error about one of the part's values that its check cannot see (e.g. two keys together). */
    public ConfigException refuse(PartKey k, String problem) {
        return new ConfigException(source + ": " + k.key() + " " + problem);
    }
}
