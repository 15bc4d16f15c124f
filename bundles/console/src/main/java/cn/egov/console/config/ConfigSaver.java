package cn.egov.console.config;

import cn.egov.api.launcher.BoxLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Saves a form: writes the file into the configuration directory (atomically) and has the
 * launcher read the directory, the same way its watcher does, so there is one path from a file to
 * a running component and one judge. A file the launcher refuses is put back as it was, so the box
 * keeps running on its previous settings and stays healthy; the refusal (file:line: why) is the
 * answer shown to the user.
 */
public final class ConfigSaver {

    /** What became of a save. */
    public sealed interface Verdict {
        /** Applied (or already in force). */
        record Accepted(String file) implements Verdict {
        }

        /** Refused by the launcher; the file was put back as it was. */
        record Refused(BoxLauncher.ConfigRefusal refusal) implements Verdict {
        }

        /** Written; the watcher applies it (the console's own settings: it restarts with them). */
        record Pending(String file) implements Verdict {
        }

        /** Nothing written: the form itself was unusable; why, in Chinese and in English. */
        record Invalid(String chinese, String message) implements Verdict {
        }
    }

    private final String ownPid;

    /** @param ownPid the console's own PID: its change restarts the console, so it is not awaited */
    public ConfigSaver(String ownPid) {
        this.ownPid = ownPid;
    }

    /**
     * @param submitted the form's values by option id; an option not sent, or a secret left empty, keeps its value
     */
    public synchronized Verdict save(ConfigSchemas.Form form, Path file, Map<String, String> submitted, String who,
                                     Optional<BoxLauncher> launcher) throws IOException {
        Map<String, String> changes = new LinkedHashMap<>();
        for (ConfigSchemas.Field field : form.fields()) {
            if (!submitted.containsKey(field.id())) {
                continue; // not in the form sent: left as it is
            }
            String value = submitted.get(field.id()).strip();
            if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                return new Verdict.Invalid("「" + field.name().chineseOrEnglish() + "」" + field.id() + "：值只能是一行",
                        "option '" + field.id() + "': a value is one line");
            }
            if (field.secret() && value.isEmpty()) {
                continue;
            }
            changes.put(field.id(), value);
        }
        if (launcher.isEmpty()) {
            return new Verdict.Invalid("这里联系不到本机的启动程序，文件无从检查：什么都没有写入。",
                    "the box's launcher is not reachable here, so the file would not be judged: nothing was written");
        }
        String before = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
        String after = ConfigFileEditor.apply(before == null ? "" : before, changes, form.name().text() + " (written by the console for " + who + ")");
        ConfigFileEditor.writeAtomically(file, after);
        if (form.pid().equals(ownPid)) {
            return new Verdict.Pending(file.getFileName().toString());
        }
        Optional<BoxLauncher.ConfigRefusal> refusal = refusalOf(launcher.get().applyConfiguration(), file);
        if (refusal.isEmpty()) {
            return new Verdict.Accepted(file.getFileName().toString());
        }
        if (before == null) {
            Files.deleteIfExists(file);
        } else {
            ConfigFileEditor.writeAtomically(file, before);
        }
        launcher.get().applyConfiguration();
        return new Verdict.Refused(refusal.get());
    }

    static Optional<BoxLauncher.ConfigRefusal> refusalOf(List<BoxLauncher.ConfigRefusal> refusals, Path file) {
        Path wanted = file.toAbsolutePath().normalize();
        return refusals.stream().filter(r -> r.file().toAbsolutePath().normalize().equals(wanted)).findFirst();
    }
}
