package cn.egov.appliance.config;

/** A configuration file that cannot be applied; the message names the file and line. */
public final class ConfigFileException extends Exception {
    private final transient ConfigProblem problem;

    public ConfigFileException(ConfigProblem problem) {
        super(problem.toString());
        this.problem = problem;
    }

    public ConfigProblem problem() {
        return problem;
    }
}
