package cn.egov.appliance.config;

import java.nio.file.Path;

/**
 * What is wrong with one configuration file, pointing at the line (0 when the problem is the
 * file as a whole, e.g. its name or a missing required option).
 */
public record ConfigProblem(Path file, int line, String message) {

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
    }
}
