package cn.egov.api.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The box's launcher ({@code appliance run}) as seen from inside the OSGi framework: it owns the
 * configuration directory and the log, which live outside the framework. It registers this
 * service from the system bundle, which also exports this package (the launcher's class and the
 * bundles' must be one class), so bundles such as the console can use it.
 *
 * <p>The directories are also framework properties: {@link #CONFIG_DIR_PROPERTY} and
 * {@link #DATA_DIR_PROPERTY} ({@code BundleContext.getProperty}).
 */
public interface BoxLauncher {
    /** Framework property: the configuration directory (one {@code <pid>.cfg} file per component). */
    String CONFIG_DIR_PROPERTY = "egov.config.dir";
    /** Framework property: the data directory ({@code --data}), where bundles keep their stores. */
    String DATA_DIR_PROPERTY = "egov.data.dir";

    /**
     * Reads the configuration directory now, as its watcher does after every change (the same
     * code: parse, type by the Metatype, apply, take back what a component refuses).
     *
     * @return the files refused by this reading; a file not listed was accepted (or unchanged)
     */
    List<ConfigRefusal> applyConfiguration() throws IOException;

    /** The files refused by the last reading of the configuration directory. */
    List<ConfigRefusal> refusedFiles();

    /** The last lines the box logged, oldest first, at most {@code max}. */
    List<String> recentLog(int max);

    /**
     * A configuration file the launcher did not apply: the previous configuration stays in force.
     * The reason comes in both languages, written together where the launcher finds it; the
     * console names the field (by its Chinese label) from {@code option} and shows the Chinese
     * reason first, the English {@link #toString()} after.
     *
     * @param line    the line of the option at fault, 0 when the problem is the file as a whole
     * @param option  the option at fault, empty when the problem is not one option's
     * @param chinese why, in Chinese, without the file, line or option
     * @param message why, in English (with the option), as the log prints it after file:line
     */
    record ConfigRefusal(Path file, int line, String option, String chinese, String message) {
        public ConfigRefusal {
            java.util.Objects.requireNonNull(option, "option");
            java.util.Objects.requireNonNull(chinese, "chinese");
            java.util.Objects.requireNonNull(message, "message");
        }

        /** A problem of the file as a whole, or of a line that is not one option's. */
        public static ConfigRefusal of(Path file, int line, String chinese, String english) {
            return new ConfigRefusal(file, line, "", chinese, english);
        }

        /** A problem of one option's value: the English reads "option 'key': why". */
        public static ConfigRefusal ofOption(Path file, int line, String option, String chinese, String english) {
            return new ConfigRefusal(file, line, option, chinese, "option '" + option + "': " + english);
        }

        @Override
        public String toString() {
            return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
        }

        /** The Chinese counterpart of {@link #toString()}: where, the option as typed, then why. */
        public String toChinese() {
            String where = line > 0 ? file + " 第 " + line + " 行" : file.toString();
            return where + "：" + (option.isEmpty() ? "" : "选项 '" + option + "'：") + chinese;
        }
    }
}
