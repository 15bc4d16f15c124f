package cn.egov.appliance.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A component with a rule of its own that no Metatype states: {@code level} must be 0-5, else it
 * fails to activate, as a real component refuses a unit code that does not parse.
 */
public final class StrictProbeComponent {
    static final int MAX_LEVEL = 5;

    public void activate(Map<String, Object> properties) throws IOException {
        int level = Integer.parseInt(String.valueOf(properties.get("level")));
        if (level < 0 || level > MAX_LEVEL) {
            throw new IllegalArgumentException("level must be 0-" + MAX_LEVEL + ", got " + level);
        }
        Files.writeString(Path.of((String) properties.get("out")), "level=" + level + "\n");
    }
}
