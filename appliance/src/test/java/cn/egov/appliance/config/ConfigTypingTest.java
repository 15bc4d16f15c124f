package cn.egov.appliance.config;

import cn.egov.api.launcher.BoxLauncher.ConfigRefusal;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

/** Typing against a hand-built schema; the Felix integration test runs the real Metatype service. */
class ConfigTypingTest {
    private static final Path FILE = Path.of("/etc/egov-box/cn.egov.test.cfg");
    private final ConfigTyping typing = new ConfigTyping();
    private final ObjectClassDefinition schema = new Schema(List.of(
            new Attr("name", AttributeDefinition.STRING, 0, null, null),
            new Attr("port", AttributeDefinition.INTEGER, 0, new String[] {"1883"}, null),
            new Attr("on", AttributeDefinition.BOOLEAN, 0, new String[] {"true"}, null),
            new Attr("hosts", AttributeDefinition.STRING, 3, new String[] {}, null),
            new Attr("sync", AttributeDefinition.STRING, 0, new String[] {"FULL"}, new String[] {"FULL", "NORMAL"})));

    @Test
    void convertsToTheDeclaredTypes() throws Exception {
        Dictionary<String, Object> p = typing.toProperties(file(
                new ConfigEntry("name", "box", 1), new ConfigEntry("port", "8883", 2), new ConfigEntry("on", "FALSE", 3),
                new ConfigEntry("hosts", "a, b", 4), new ConfigEntry("sync", "NORMAL", 5)), Optional.of(schema));
        assertEquals("box", p.get("name"));
        assertEquals(8883, p.get("port"));
        assertEquals(Boolean.FALSE, p.get("on"));
        assertArrayEquals(new String[] {"a", "b"}, (String[]) p.get("hosts"));
        assertEquals("NORMAL", p.get("sync"));
        assertEquals(FILE.toString(), p.get(ConfigTyping.SOURCE_FILE));
    }

    @Test
    void withoutSchemaValuesStayText() throws Exception {
        Dictionary<String, Object> p = typing.toProperties(file(new ConfigEntry("port", "8883", 1), new ConfigEntry("name", "box", 2)), Optional.empty());
        assertEquals("8883", p.get("port"));
    }

    @Test
    void reportsBadValuesAtTheirLine() {
        assertProblem(new ConfigEntry("port", "eighty", 7), 7, "option 'port': 'eighty' is not a whole number");
        assertProblem(new ConfigEntry("on", "yes", 2), 2, "'yes' is not true or false");
        assertProblem(new ConfigEntry("sync", "OFF", 3), 3, "'OFF' is not one of FULL, NORMAL");
        assertProblem(new ConfigEntry("hosts", "a,b,c,d", 4), 4, "at most 3 values");
        assertProblem(new ConfigEntry("prot", "1", 9), 9, "unknown option 'prot' for cn.egov.test (Test); known options: name, port, on, hosts, sync");
    }

    @Test
    void saysWhyInChineseAndNamesTheOptionForTheConsole() {
        ConfigRefusal p = problem(new ConfigEntry("port", "eighty", 7));
        assertEquals("port", p.option(), "the console labels the field from it");
        assertEquals("'eighty' 不是允许范围内的整数", p.chinese());
        assertEquals("option 'port': 'eighty' is not a whole number in range", p.message(), "the English stays for the CLI");
        assertEquals("'OFF' 不是可选值之一：FULL, NORMAL", problem(new ConfigEntry("sync", "OFF", 3)).chinese());
        assertEquals("最多 3 个值，实为 4 个", problem(new ConfigEntry("hosts", "a,b,c,d", 4)).chinese());
        ConfigRefusal unknown = problem(new ConfigEntry("prot", "1", 9));
        assertEquals("未知的选项 'prot'（cn.egov.test）；可用的选项：name, port, on, hosts, sync", unknown.chinese());
        assertEquals("", unknown.option(), "no field on the form to name");
    }

    @Test
    void aRequiredOptionWithoutDefaultMustBeThere() {
        ConfigFileException e = assertThrows(ConfigFileException.class,
                () -> typing.toProperties(file(new ConfigEntry("port", "1", 1)), Optional.of(schema)));
        assertEquals(0, e.problem().line());
        assertTrue(e.getMessage().contains("required option 'name'"), e.getMessage());
        assertEquals("name", e.problem().option());
        assertEquals("必填，但未填写", e.problem().chinese());
    }

    private void assertProblem(ConfigEntry bad, int line, String fragment) {
        ConfigFileException e = assertThrows(ConfigFileException.class,
                () -> typing.toProperties(file(new ConfigEntry("name", "x", 1), bad), Optional.of(schema)));
        assertEquals(line, e.problem().line());
        assertTrue(e.getMessage().startsWith(FILE + ":" + line + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    private ConfigRefusal problem(ConfigEntry bad) {
        return assertThrows(ConfigFileException.class,
                () -> typing.toProperties(file(new ConfigEntry("name", "x", 1), bad), Optional.of(schema))).problem();
    }

    private static ConfigFile file(ConfigEntry... entries) {
        return new ConfigFile(FILE, "cn.egov.test", Optional.empty(), List.of(entries));
    }

    private record Attr(String id, int type, int cardinality, String[] defaults, String[] options) implements AttributeDefinition {
        @Override public String getName() { return id; }
        @Override public String getID() { return id; }
        @Override public String getDescription() { return ""; }
        @Override public int getCardinality() { return cardinality; }
        @Override public int getType() { return type; }
        @Override public String[] getOptionValues() { return options; }
        @Override public String[] getOptionLabels() { return options; }
        @Override public String validate(String value) { return null; }
        @Override public String[] getDefaultValue() { return defaults; }
    }

    private record Schema(List<Attr> attrs) implements ObjectClassDefinition {
        @Override public String getName() { return "Test"; }
        @Override public String getID() { return "cn.egov.test"; }
        @Override public String getDescription() { return ""; }
        @Override public AttributeDefinition[] getAttributeDefinitions(int filter) { return attrs.toArray(new AttributeDefinition[0]); }
        @Override public InputStream getIcon(int size) { return null; }
    }
}
