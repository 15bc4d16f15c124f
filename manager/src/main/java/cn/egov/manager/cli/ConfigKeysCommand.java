package cn.egov.manager.cli;

import cn.egov.manager.config.ConfigKey;
import picocli.CommandLine.Command;

/** {@code manager config-keys}: prints every configuration key with its description and default, as a sample file. */
@Command(name = "config-keys", mixinStandardHelpOptions = true,
        description = "Print a sample configuration file: every key, its meaning and its default.")
public final class ConfigKeysCommand implements Runnable {
    @Override
    public void run() {
        System.out.print(ConfigKey.sample());
    }
}
