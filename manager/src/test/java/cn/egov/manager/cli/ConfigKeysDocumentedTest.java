package cn.egov.manager.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.app.Parts;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.KeySpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The configuration reference an operator reads is the schema's: every key of the shell
 * ({@link ConfigKey}) and of every part ({@link Parts#schema()}) is in a key table of
 * {@code manager/README.md}, or, for the CA's {@code ca.*} keys, of {@code docs/ca.md} (where the
 * README points for them); every key documented there exists, and its documented
 * default is the schema's. The README stays hand-written (its wording is grouped for people); this
 * test names what drifted.
 */
class ConfigKeysDocumentedTest {

    /** The documents with key tables, relative to the module (the README points to docs/ca.md for ca.*). */
    private static final List<Path> DOCUMENTS = List.of(Path.of("README.md"), Path.of("docs/ca.md"));
    /** The header of a key table. */
    private static final String KEY_TABLE = "| key | default | meaning |";
    private static final Pattern CODE = Pattern.compile("`([^`]*)`");

    /** Where a key is documented and with which default (null: the row explains an empty default in words). */
    private record Documented(String where, String defaultValue) {
    }

    @Test
    void everyKeyIsDocumentedWithItsDefaultAndEveryDocumentedKeyExists() throws IOException {
        Map<String, String> schema = new TreeMap<>();
        for (ConfigKey k : ConfigKey.values()) {
            schema.put(k.key, k.defaultValue);
        }
        for (KeySpec k : Parts.schema()) {
            schema.put(k.key(), k.defaultValue());
        }
        Map<String, List<Documented>> documented = new LinkedHashMap<>();
        List<String> unreadable = new ArrayList<>();
        for (Path doc : DOCUMENTS) {
            readKeyTables(doc, documented, unreadable);
        }

        List<String> problems = new ArrayList<>(unreadable);
        schema.forEach((key, def) -> {
            if (!documented.containsKey(key)) {
                problems.add("'" + key + "' (default '" + def + "') is not documented: add a row to a key table of manager/"
                        + (key.startsWith("ca.") ? "docs/ca.md" : "README.md"));
            }
        });
        documented.forEach((key, places) -> {
            String def = schema.get(key);
            for (Documented d : places) {
                if (def == null) {
                    problems.add(d.where() + ": '" + key + "' is documented but no such key exists (ConfigKey or a part's keys())");
                } else if (d.defaultValue() == null ? !def.isEmpty() : !d.defaultValue().equals(def)) {
                    problems.add(d.where() + ": '" + key + "' is documented with default '" + (d.defaultValue() == null ? "(words)" : d.defaultValue())
                            + "', its schema's default is '" + def + "'");
                }
            }
        });
        assertTrue(problems.isEmpty(), "the configuration reference and the schema differ:\n  " + String.join("\n  ", problems));
    }

    /**
     * Rows of a document's key tables: {@code | `a.b`, `a.c` | `1`, `2` | meaning |}. A name
     * starting with a dot ({@code `broker.tls.dns-names` / `.ips`}) replaces the last part of the one
     * before it. Defaults are split like the names (by {@code ", "} or {@code " / "}) when a row
     * names several keys; an empty cell (for all of them) or {@code (empty)} is the empty default, other words
     * ({@code (SQLite in data.dir)}) explain what an empty default means.
     */
    private static void readKeyTables(Path doc, Map<String, List<Documented>> documented, List<String> unreadable) throws IOException {
        List<String> lines = Files.readAllLines(doc);
        boolean inTable = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.equals(KEY_TABLE)) {
                inTable = true;
                i++; // the |---| line
                continue;
            }
            if (!inTable || !line.startsWith("|")) {
                inTable = false;
                continue;
            }
            String where = doc + ":" + (i + 1);
            String[] cells = line.split("(?<!\\\\)\\|", -1);
            if (cells.length < 4) {
                unreadable.add(where + ": a key table row needs | key | default | meaning |");
                continue;
            }
            String keysCell = cells[1].strip();
            String defaultsCell = cells[2].strip();
            String separator = keysCell.contains("` / `") ? " / " : ", ";
            List<String> keys = new ArrayList<>();
            Matcher m = CODE.matcher(keysCell);
            while (m.find()) {
                String k = m.group(1);
                if (k.startsWith(".") && !keys.isEmpty()) {
                    String before = keys.get(keys.size() - 1);
                    k = before.substring(0, before.lastIndexOf('.')) + k;
                }
                keys.add(k);
            }
            if (keys.isEmpty()) {
                unreadable.add(where + ": no `key` in the first cell: " + keysCell);
                continue;
            }
            List<String> defaults = keys.size() == 1 || defaultsCell.isEmpty() ? java.util.Collections.nCopies(keys.size(), defaultsCell)
                    : List.of(defaultsCell.split(Pattern.quote(separator), -1));
            if (defaults.size() != keys.size()) {
                unreadable.add(where + ": " + keys.size() + " keys but " + defaults.size() + " defaults (separated by '" + separator + "')");
                continue;
            }
            for (int k = 0; k < keys.size(); k++) {
                documented.computeIfAbsent(keys.get(k), x -> new ArrayList<>()).add(new Documented(where, defaultOf(defaults.get(k).strip())));
            }
        }
    }

    /** {@code `8080`} is 8080; an empty cell and {@code (empty)} are ""; other words: null (they explain an empty default). */
    private static String defaultOf(String cell) {
        if (cell.isEmpty() || cell.equals("(empty)")) {
            return "";
        }
        Matcher m = CODE.matcher(cell);
        return m.matches() ? m.group(1) : null;
    }
}
