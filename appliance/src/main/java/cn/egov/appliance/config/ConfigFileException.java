package cn.egov.appliance.config;

import java.nio.file.Path;

/** A configuration file that cannot be applied; the message names the file and line. */
public final class ConfigFileException extends Exception {
    private final transient ConfigProblem problem;

    public ConfigFileException(Path file, int line, String message) {
        this(new ConfigProblem(file, line, message));
    }

    public ConfigFileException(ConfigProblem problem) {
        super(problem.toString());
        this.problem = problem;
    }

    public ConfigProblem problem() {
        return problem;
    }
}
