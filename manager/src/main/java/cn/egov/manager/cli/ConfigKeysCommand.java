package cn.egov.manager.cli;

import picocli.CommandLine.Command;

/** {@code manager config-keys}: prints every configuration key of every part, with description and default, as a sample file. */
@Command(name = "config-keys", mixinStandardHelpOptions = true,
        description = "Print a sample configuration file: every key of the core and of each part (ca., plan., duty., exchange., ...), its meaning and its default.",
        exitCodeListHeading = CliErrors.HEADING, exitCodeList = {CliErrors.EXIT_OK})
public final class ConfigKeysCommand implements Runnable {
    @Override
    public void run() {
        System.out.print(ConfigParts.sample());
    }
}
