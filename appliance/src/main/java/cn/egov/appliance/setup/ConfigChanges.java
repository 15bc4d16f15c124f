package cn.egov.appliance.setup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration files one step writes, with what each was before, so that a failed step puts
 * them back: the running box's watcher then reconfigures (or removes) the components as they were.
 * Every write replaces the file in one step; a file that already holds the text is not touched
 * (the box is not reconfigured for nothing, and a re-run step changes nothing).
 */
final class ConfigChanges {
    /** File → its text before this step, or null when it did not exist. */
    private final Map<Path, String> before = new LinkedHashMap<>();

    /** Writes {@code text} to {@code file}; true when the file changed. */
    boolean write(Path file, String text) throws IOException {
        String old = SetupProfile.text(file);
        if (text.equals(old)) {
            return false;
        }
        before.putIfAbsent(file, old);
        replace(file, text);
        return true;
    }

    boolean changed() {
        return !before.isEmpty();
    }

    /** Puts every file back as it was before this step, the last written first. */
    void undo() throws IOException {
        List<Map.Entry<Path, String>> entries = new ArrayList<>(before.entrySet());
        for (int i = entries.size() - 1; i >= 0; i--) {
            Path file = entries.get(i).getKey();
            String old = entries.get(i).getValue();
            if (old == null) {
                Files.deleteIfExists(file);
            } else {
                replace(file, old);
            }
        }
        before.clear();
    }

    static void replace(Path file, String text) throws IOException {
        // the temporary name does not end in .cfg: the box's watcher ignores it
        Path tmp = file.resolveSibling("." + file.getFileName() + ".setup-tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
