package cn.egov.appliance.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every bundle's configuration form reads in Chinese on the console: each Metatype text bnd
 * generated as a {@code %key} has its English in {@code <localization>.properties} and its Chinese
 * in {@code <localization>_zh.properties}, read as the Metatype service reads them (ISO-8859-1, so
 * the Chinese is \\u-escaped, which this proves by finding Chinese characters after loading).
 */
class MetatypeLocalizationTest {
    private static final Pattern LOCALIZATION = Pattern.compile("localization=\"([^\"]+)\"");
    private static final Pattern KEY = Pattern.compile("(?:name|description)=\"%([^\"]+)\"");
    private static final Pattern CHINESE = Pattern.compile("\\p{IsHan}");

    @Test
    void everyBundlesMetatypeHasItsEnglishAndChineseTexts() throws Exception {
        Map<String, String> checked = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path root = Path.of(entry);
            if (!root.getFileName().toString().matches("(console|exchange|duty|portal|vpn|pki|telemetry|isolation|addressplan)-.*\\.jar|classes")
                    || !Files.exists(root)) {
                continue;
            }
            if (Files.isDirectory(root)) {
                check(root, checked, problems);
            } else {
                try (FileSystem jar = FileSystems.newFileSystem(root)) {
                    check(jar.getPath("/"), checked, problems);
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(checked.keySet().containsAll(List.of("cn.egov.console.xml", "cn.egov.exchange.xml", "cn.egov.duty.xml",
                "cn.egov.portal.xml", "cn.egov.telemetry.xml", "cn.egov.pki.xml", "cn.egov.addressplan.xml")), "found: " + checked);
    }

    private static void check(Path root, Map<String, String> checked, List<String> problems) throws IOException {
        Path dir = root.resolve("OSGI-INF/metatype");
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path xml : files.filter(f -> f.toString().endsWith(".xml")).toList()) {
                String text = Files.readString(xml, StandardCharsets.UTF_8);
                Matcher l = LOCALIZATION.matcher(text);
                String name = xml.getFileName().toString();
                if (!l.find()) {
                    problems.add(name + ": no localization (its form would be English only)");
                    continue;
                }
                Properties english = load(root.resolve(l.group(1) + ".properties"));
                Properties chinese = load(root.resolve(l.group(1) + "_zh.properties"));
                TreeSet<String> keys = new TreeSet<>();
                KEY.matcher(text).results().forEach(m -> keys.add(m.group(1)));
                assertFalse(keys.isEmpty(), name);
                for (String key : keys) {
                    if (english.getProperty(key, "").isBlank()) {
                        problems.add(name + ": %" + key + " has no English in " + l.group(1) + ".properties");
                    }
                    if (!CHINESE.matcher(chinese.getProperty(key, "")).find()) {
                        problems.add(name + ": %" + key + " has no Chinese in " + l.group(1) + "_zh.properties");
                    }
                }
                assertEquals(english.stringPropertyNames(), chinese.stringPropertyNames().stream()
                        .filter(english::containsKey).collect(java.util.stream.Collectors.toSet()), name + ": every English text has its Chinese");
                checked.put(name, l.group(1));
            }
        }
    }

    /** As the Metatype service loads it: {@link Properties#load(InputStream)}, ISO-8859-1. */
    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            }
        }
        return p;
    }
}
