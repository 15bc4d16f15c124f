package cn.egov.appliance.config;

import cn.egov.api.launcher.BoxLauncher.ConfigRefusal;

/** A configuration file that cannot be applied; the message names the file and line. */
public final class ConfigFileException extends Exception {
    private final transient ConfigRefusal problem;

    public ConfigFileException(ConfigRefusal problem) {
        super(problem.toString());
        this.problem = problem;
    }

    public ConfigRefusal problem() {
        return problem;
    }
}
