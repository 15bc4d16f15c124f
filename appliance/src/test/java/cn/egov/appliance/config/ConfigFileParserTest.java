package cn.egov.appliance.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileParserTest {
    private final ConfigFileParser parser = new ConfigFileParser(Map.of("data", "/var/lib/egov-box"));

    @TempDir
    Path dir;

    @Test
    void readsOptionsWithTheirLinesSkippingCommentsAndBlanks() throws Exception {
        Path file = write("cn.egov.telemetry.cfg", "# comment\n\nbroker.url = tcp://h:1883\r\n  account=hebei  \nempty =\n");
        ConfigFile parsed = parser.parse(file);
        assertEquals("cn.egov.telemetry", parsed.pid());
        assertEquals(Optional.empty(), parsed.factoryName());
        assertEquals(List.of(new ConfigEntry("broker.url", "tcp://h:1883", 3), new ConfigEntry("account", "hebei", 4),
                new ConfigEntry("empty", "", 5)), parsed.entries());
    }

    @Test
    void aTildeNamesAFactoryInstance() throws Exception {
        ConfigFile parsed = parser.parse(write("cn.egov.vpn.tunnel~backbone.cfg", "a = 1\n"));
        assertEquals("cn.egov.vpn.tunnel", parsed.pid());
        assertEquals(Optional.of("backbone"), parsed.factoryName());
    }

    @Test
    void substitutesTheDataDirectory() throws Exception {
        ConfigFile parsed = parser.parse(write("p.cfg", "outbox.path = ${data}/telemetry/outbox.db\n"));
        assertEquals("/var/lib/egov-box/telemetry/outbox.db", parsed.entry("outbox.path").orElseThrow().value());
    }

    @Test
    void errorsNameFileAndLine() throws Exception {
        assertProblem("p.cfg", "a = 1\njust words\n", 2, "expected 'key = value'");
        assertProblem("p.cfg", "a = 1\n\na = 2\n", 3, "already set on line 1");
        assertProblem("p.cfg", "bad key = 1\n", 1, "option name 'bad key'");
        assertProblem("p.cfg", "x = ${nope}\n", 1, "unknown variable ${nope}");
        assertProblem("bad name!.cfg", "", 0, "file name must be");
    }

    @Test
    void rejectsInvalidUtf8() throws Exception {
        Path file = dir.resolve("p.cfg");
        Files.write(file, new byte[] {'a', '=', (byte) 0xC3, (byte) 0x28});
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> parser.parse(file));
        assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }

    private void assertProblem(String name, String text, int line, String fragment) throws Exception {
        Path file = write(name, text);
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> parser.parse(file));
        assertEquals(line, e.problem().line(), e.getMessage());
        assertEquals(file, e.problem().file());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }
}
