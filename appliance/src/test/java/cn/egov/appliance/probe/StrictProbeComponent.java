package cn.egov.appliance.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A component with a rule of its own that no Metatype states: {@code level} must be 0-5, else it
 * fails to activate, as a real component refuses a unit code that does not parse.
 *
 * <p>{@code lifecycle.delay.ms} makes activation and deactivation take that long, as they do on a
 * loaded box. While the old instance deactivates, SCR already shows the new configuration on it
 * as ACTIVE: a check that judges by that picture accepts a value the component then refuses.
 */
public final class StrictProbeComponent {
    static final int MAX_LEVEL = 5;
    static final String DELAY = "lifecycle.delay.ms";

    public void activate(Map<String, Object> properties) throws IOException, InterruptedException {
        pause(properties);
        int level = Integer.parseInt(String.valueOf(properties.get("level")));
        if (level < 0 || level > MAX_LEVEL) {
            throw new IllegalArgumentException("level must be 0-" + MAX_LEVEL + ", got " + level);
        }
        Files.writeString(Path.of((String) properties.get("out")), "level=" + level + "\n");
    }

    public void deactivate(Map<String, Object> properties) throws InterruptedException {
        pause(properties);
    }

    private static void pause(Map<String, Object> properties) throws InterruptedException {
        Object delay = properties.get(DELAY);
        if (delay != null) {
            Thread.sleep(Long.parseLong(String.valueOf(delay)));
        }
    }
}
