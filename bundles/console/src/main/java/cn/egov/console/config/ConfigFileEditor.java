package cn.egov.console.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Edits a {@code <pid>.cfg} file as a person would: lines of options the form changes get their
 * new value in place, options cleared are removed (the default applies), new options are appended,
 * and comments, blank lines and options the form does not show ({@code <reference>.target}) stay.
 * The launcher parses and judges the result; this class only knows where the options are.
 */
public final class ConfigFileEditor {

    private ConfigFileEditor() {
    }

    /** The raw values ({@code ${data}} unexpanded) of the options in a file's text, by key. */
    public static Map<String, String> values(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\r?\n", -1)) {
            option(line).ifPresent(kv -> values.putIfAbsent(kv[0], kv[1]));
        }
        return values;
    }

    /**
     * The file's text with {@code changes} applied: a key mapped to a value sets it, a key mapped
     * to the empty string removes its line.
     */
    public static String apply(String text, Map<String, String> changes, String header) {
        Map<String, String> pending = new LinkedHashMap<>(changes);
        List<String> out = new ArrayList<>();
        List<String> lines = new ArrayList<>(List.of(text.split("\r?\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        if (lines.isEmpty() && header != null) {
            out.add("# " + header);
        }
        for (String line : lines) {
            Optional<String[]> kv = option(line);
            if (kv.isPresent() && pending.containsKey(kv.get()[0])) {
                String value = pending.remove(kv.get()[0]);
                if (!value.isEmpty()) {
                    out.add(kv.get()[0] + " = " + value);
                }
            } else {
                out.add(line);
            }
        }
        pending.forEach((key, value) -> {
            if (!value.isEmpty()) {
                out.add(key + " = " + value);
            }
        });
        return String.join("\n", out) + "\n";
    }

    /** Replaces the file in one step (temporary file, then rename), so the watcher never reads half a file. */
    public static void writeAtomically(Path file, String text) throws IOException {
        // not ending in .cfg: the launcher ignores it
        Path tmp = file.resolveSibling("." + file.getFileName() + ".console-tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Optional<String[]> option(String line) {
        String s = line.strip();
        if (s.isEmpty() || s.startsWith("#")) {
            return Optional.empty();
        }
        int eq = s.indexOf('=');
        if (eq < 0) {
            return Optional.empty();
        }
        return Optional.of(new String[]{s.substring(0, eq).strip(), s.substring(eq + 1).strip()});
    }
}
