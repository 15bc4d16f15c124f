package cn.egov.manager.app;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Named metrics that {@code /api/metrics} shows: each part registers gauges for its counters and
 * queue depths, e.g. {@code gauges.register("ingest.queue.depth", queue::depth)}.
 */
public final class MetricGauges {

    private final Map<String, Supplier<?>> gauges = new ConcurrentHashMap<>();

    public void register(String name, Supplier<?> value) {
        if (gauges.putIfAbsent(name, value) != null) {
            throw new IllegalArgumentException("metric " + name + " is registered twice");
        }
    }

    /** Current values by name, sorted; a gauge that fails shows its error instead of hiding the others. */
    public Map<String, Object> snapshot() {
        Map<String, Object> out = new TreeMap<>();
        gauges.forEach((name, g) -> {
            try {
                out.put(name, g.get());
            } catch (RuntimeException e) {
                out.put(name, "error: " + e.getMessage());
            }
        });
        return out;
    }
}
