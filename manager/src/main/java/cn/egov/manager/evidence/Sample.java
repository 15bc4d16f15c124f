package cn.egov.manager.evidence;

import java.util.Map;

/**
 * One stored telemetry message of a unit.
 *
 * @param unit     the box's client id (its unit code: the identity it proved)
 * @param resource the topic's resource ({@code policy}, {@code check}, ...)
 * @param time     the box's own timestamp (ms), or the receipt time when it sent none
 * @param received when the manager received it (ms): what places it in a period
 * @param metrics  its metrics as sent
 */
public record Sample(String unit, String resource, long time, long received, Map<String, Object> metrics) {

    public String text(String name) {
        Object v = metrics.get(name);
        return v == null ? "" : String.valueOf(v);
    }

    /** A numeric metric, 0 when absent or not a number. */
    public long number(String name) {
        Object v = metrics.get(name);
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return v == null ? 0 : Long.parseLong(String.valueOf(v));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public boolean flag(String name) {
        return Boolean.parseBoolean(text(name));
    }
}
