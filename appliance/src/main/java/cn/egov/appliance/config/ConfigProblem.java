package cn.egov.appliance.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What is wrong with one configuration file, pointing at the line (0 when the problem is the
 * file as a whole, e.g. its name or a missing required option), in English for the log and the
 * CLI and in Chinese for the box console, written together where the problem is found.
 *
 * @param option  the option at fault, empty when the problem is not one option's (the console
 *                names the field by its Chinese label from it)
 * @param chinese why, in Chinese, without the file, line or option, which the console shows beside it
 * @param message why, in English, as the log and {@code appliance status} print it after file:line
 */
public record ConfigProblem(Path file, int line, String option, String chinese, String message) {

    public ConfigProblem {
        Objects.requireNonNull(option, "option");
        Objects.requireNonNull(chinese, "chinese");
        Objects.requireNonNull(message, "message");
    }

    /** A problem of the file as a whole or of a line that is not one option's. */
    public static ConfigProblem of(Path file, int line, String chinese, String english) {
        return new ConfigProblem(file, line, "", chinese, english);
    }

    /** A problem of one option's value: the English reads "option 'key': why". */
    public static ConfigProblem ofOption(Path file, int line, String option, String chinese, String english) {
        return new ConfigProblem(file, line, option, chinese, "option '" + option + "': " + english);
    }

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
    }
}
