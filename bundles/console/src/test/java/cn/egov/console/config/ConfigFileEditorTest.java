package cn.egov.console.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigFileEditorTest {

    @Test
    void changesValuesInPlaceKeepsCommentsRemovesClearedAndAppendsNew() {
        String file = "# telemetry\nbroker.url = tcp://a:1883\n\n# the outbox\noutbox.path = ${data}/o.db\nidentity.target = (x=y)\n";
        Map<String, String> changes = new LinkedHashMap<>();
        changes.put("broker.url", "tcp://b:1883");
        changes.put("outbox.path", "");
        changes.put("health.interval.s", "30");
        assertEquals("# telemetry\nbroker.url = tcp://b:1883\n\n# the outbox\nidentity.target = (x=y)\nhealth.interval.s = 30\n",
                ConfigFileEditor.apply(file, changes, "unused"));
    }

    @Test
    void aNewFileStartsWithAHeader() {
        assertEquals("# Probe\ngreeting = hi\n", ConfigFileEditor.apply("", Map.of("greeting", "hi"), "Probe"));
    }

    @Test
    void readsRawValuesByKey() {
        assertEquals(Map.of("a", "${data}/x", "b", "1, 2"), ConfigFileEditor.values("# c\na = ${data}/x\n b=1, 2\nnot an option\n"));
    }
}
