package cn.egov.manager.cli;

import cn.egov.manager.ca.CaConfigKey;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.plan.PlanConfigKey;
import cn.egov.manager.portal.PortalConfigKey;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Every part's configuration keys, each taken from the part's own schema ({@link ConfigKey} for
 * the core, {@link CaConfigKey}, {@link PlanConfigKey}, {@link PortalConfigKey}): what {@code manager config-keys} prints,
 * and what the commands accept when they load a file (a key no part knows is an error naming
 * file and line, also under a part's prefix). The hub and policy parts have no keys yet.
 */
final class ConfigParts {

    private ConfigParts() {
    }

    /** Loads and validates a configuration file for a command. */
    static ManagerConfig load(Path file) {
        return ManagerConfig.load(file, partKeys());
    }

    /** The keys under {@link ConfigKey#EXTENSION_PREFIXES} that some part reads. */
    static Set<String> partKeys() {
        Set<String> keys = new TreeSet<>();
        Arrays.stream(CaConfigKey.values()).map(k -> k.key).forEach(keys::add);
        Arrays.stream(PlanConfigKey.values()).map(k -> k.key).forEach(keys::add);
        Arrays.stream(PortalConfigKey.values()).map(k -> k.key).forEach(keys::add);
        Arrays.stream(cn.egov.manager.duty.DutyConfigKey.values()).map(k -> k.key).forEach(keys::add);
        return keys;
    }

    /** A sample file with every key of every part, its meaning and its default. */
    static String sample() {
        return String.join("\n", Stream.of(ConfigKey.sample(), CaConfigKey.sample(), PlanConfigKey.sample(), PortalConfigKey.sample(),
                cn.egov.manager.duty.DutyConfigKey.sample()).toList());
    }
}
