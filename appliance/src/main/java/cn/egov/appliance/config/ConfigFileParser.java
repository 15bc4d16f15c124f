package cn.egov.appliance.config;

import cn.egov.api.launcher.BoxLauncher.ConfigRefusal;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the box's configuration files: UTF-8 text, one {@code key = value} per line, {@code #}
 * starts a comment line, blank lines are ignored. Values are taken verbatim (trimmed); list
 * values are comma-separated and split later, when the Metatype says the option is a list.
 * {@code ${name}} in a value is replaced by a launcher variable (e.g. {@code ${data}}, the data
 * directory), so that shipped defaults need no absolute paths.
 * Anything else is an error naming the file and line: a file is applied whole or not at all.
 */
public final class ConfigFileParser {
    public static final String EXTENSION = ".cfg";
    /** Separates factory PID and instance name, as in Configuration Admin 1.6 PIDs. */
    public static final char FACTORY_SEPARATOR = '~';

    private static final Pattern PID = Pattern.compile("[A-Za-z0-9_]+(\\.[A-Za-z0-9_-]+)*");
    /** Option names; {@code $} appears in the names bnd gives constructor-injected references ({@code $003.target}). */
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_$][A-Za-z0-9_.$-]*");
    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

    private final Map<String, String> variables;

    /** @param variables what {@code ${name}} in a value stands for */
    public ConfigFileParser(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    public ConfigFile parse(Path file) throws ConfigFileException, IOException {
        String name = file.getFileName().toString();
        if (!name.endsWith(EXTENSION)) {
            throw new ConfigFileException(ConfigRefusal.of(file, 0, "文件名须以 " + EXTENSION + " 结尾", "name must end with " + EXTENSION));
        }
        String stem = name.substring(0, name.length() - EXTENSION.length());
        int tilde = stem.indexOf(FACTORY_SEPARATOR);
        String pid = tilde < 0 ? stem : stem.substring(0, tilde);
        Optional<String> instance = tilde < 0 ? Optional.empty() : Optional.of(stem.substring(tilde + 1));
        if (!PID.matcher(pid).matches()) {
            throw new ConfigFileException(ConfigRefusal.of(file, 0, "文件名须为 <pid>" + EXTENSION + " 或 <factory-pid>~<name>"
                    + EXTENSION + "，PID 形如 cn.egov.identity；实为 '" + name + "'",
                    "file name must be <pid>" + EXTENSION + " or <factory-pid>~<name>"
                    + EXTENSION + ", with a PID like cn.egov.identity; got '" + name + "'"));
        }
        if (instance.isPresent() && !INSTANCE.matcher(instance.get()).matches()) {
            throw new ConfigFileException(ConfigRefusal.of(file, 0,
                    "实例名 '" + instance.get() + "' 只能含字母、数字、'.'、'_' 或 '-'",
                    "instance name '" + instance.get() + "' must be letters, digits, '.', '_' or '-'"));
        }
        return new ConfigFile(file, pid, instance, entries(file, readUtf8(file)));
    }

    private static String readUtf8(Path file) throws IOException, ConfigFileException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigFileException(ConfigRefusal.of(file, 0, "不是有效的 UTF-8 文本", "is not valid UTF-8 text"));
        }
    }

    private List<ConfigEntry> entries(Path file, String text) throws ConfigFileException {
        List<ConfigEntry> entries = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new ConfigFileException(ConfigRefusal.of(file, lineNo, "应为 'key = value'，实为 '" + line + "'",
                        "expected 'key = value', got '" + line + "'"));
            }
            String key = line.substring(0, eq).strip();
            String value = substitute(file, lineNo, line.substring(eq + 1).strip());
            if (!KEY.matcher(key).matches()) {
                throw new ConfigFileException(ConfigRefusal.of(file, lineNo, "选项名 '" + key + "' 只能含字母、数字、'.'、'_' 或 '-'",
                        "option name '" + key + "' must be letters, digits, '.', '_' or '-'"));
            }
            Integer first = seen.putIfAbsent(key, lineNo);
            if (first != null) {
                throw new ConfigFileException(new ConfigRefusal(file, lineNo, key, "已在第 " + first + " 行设置过",
                        "option '" + key + "' is already set on line " + first));
            }
            entries.add(new ConfigEntry(key, value, lineNo));
        }
        return entries;
    }

    private String substitute(Path file, int lineNo, String value) throws ConfigFileException {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = variables.get(m.group(1));
            if (replacement == null) {
                String known = String.join(", ", variables.keySet().stream().sorted().map(v -> "${" + v + "}").toList());
                throw new ConfigFileException(ConfigRefusal.of(file, lineNo,
                        "未知的变量 ${" + m.group(1) + "}；可用：" + known,
                        "unknown variable ${" + m.group(1) + "}; known: " + known));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
