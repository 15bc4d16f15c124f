package cn.egov.manager.config;

import java.util.Arrays;
import java.util.List;

/**
 * A part's configuration key as an enum constant that carries its {@link KeySpec}: the part lists
 * its keys once, as an enum, and the schema ({@link #specs}), the sample file and the typed reads
 * ({@link PartValues}) all come from it.
 */
public interface PartKey {

    /** The key's name, default, meaning and check. */
    KeySpec spec();

    /** Full name, e.g. {@code portal.port}. */
    default String key() {
        return spec().key();
    }

    /** Name without the part's prefix, e.g. {@code port}. */
    default String shortKey() {
        return spec().shortKey();
    }

    default String defaultValue() {
        return spec().defaultValue();
    }

    /** The part's schema, in the enum's order. */
    static List<KeySpec> specs(PartKey... keys) {
        return Arrays.stream(keys).map(PartKey::spec).toList();
    }
}
