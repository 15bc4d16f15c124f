package cn.egov.telemetry;

import cn.egov.telemetry.identity.IdentitySettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Configuration of a test box. */
public final class TestIds {
    public static final String UNIT = "130602-001";
    public static final String SERIAL = "SN-0042";
    public static final String NAME = "保定市水利局";

    private TestIds() {
    }

    public static Map<String, String> config(String brokerUrl, Path outbox, int healthSeconds) {
        Map<String, String> c = new HashMap<>();
        c.put(IdentitySettings.UNIT_CODE, UNIT);
        c.put(IdentitySettings.SERIAL_NUMBER, SERIAL);
        c.put(IdentitySettings.DISPLAY_NAME, NAME);
        c.put(TelemetrySettings.BROKER_URL, brokerUrl);
        c.put(TelemetrySettings.OUTBOX_PATH, outbox.toString());
        c.put(TelemetrySettings.HEALTH_INTERVAL_S, Integer.toString(healthSeconds));
        c.put(TelemetrySettings.RECONNECT_MIN_MS, "200");
        c.put(TelemetrySettings.RECONNECT_MAX_MS, "1000");
        c.put(TelemetrySettings.KEEPALIVE_S, "5");
        return c;
    }

    public static ConfigValues values(Map<String, String> c) {
        return new ConfigValues("test", c);
    }
}
