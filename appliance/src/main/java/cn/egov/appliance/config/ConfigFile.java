package cn.egov.appliance.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One parsed configuration file: {@code <pid>.cfg} configures a singleton component,
 * {@code <factoryPid>~<name>.cfg} one named instance of a factory component.
 *
 * @param file        where it came from (named in every error)
 * @param pid         the singleton PID, or the factory PID when {@code factoryName} is present
 * @param factoryName the instance name of a factory configuration, or empty
 * @param entries     the options in file order
 */
public record ConfigFile(Path file, String pid, Optional<String> factoryName, List<ConfigEntry> entries) {

    public ConfigFile {
        entries = List.copyOf(entries);
    }

    public Optional<ConfigEntry> entry(String key) {
        return entries.stream().filter(e -> e.key().equals(key)).findFirst();
    }
}
