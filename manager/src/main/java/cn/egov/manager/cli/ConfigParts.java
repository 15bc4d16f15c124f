package cn.egov.manager.cli;

import cn.egov.manager.app.Parts;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import java.nio.file.Path;

/**
 * Loading the configuration file for a command: the core's keys ({@link ConfigKey}) and every
 * part's schema, from the parts themselves ({@link Parts}): a key no part knows is an error naming
 * file and line, also under a part's prefix, and so is a value a part's key refuses. What
 * {@code manager config-keys} prints comes from the same schemas.
 */
final class ConfigParts {

    private ConfigParts() {
    }

    /** Loads and validates a configuration file for a command. */
    static ManagerConfig load(Path file) {
        return ManagerConfig.load(file, Parts.schema());
    }

    /** A sample file with every key of every part, its meaning and its default. */
    static String sample() {
        return ConfigKey.sample() + Parts.sample();
    }
}
