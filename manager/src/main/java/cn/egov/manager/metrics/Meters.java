package cn.egov.manager.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The manager's meters (Micrometer, exposed in the Prometheus text format at {@code GET /metrics}).
 * Each part registers its own when it starts, reading counters and queue depths it already keeps:
 *
 * <pre>{@code
 * meters.gauge("duty.receipts.queue.depth", "receipts waiting to be sent", receipts::depth);
 * meters.counter("duty.reports.accepted", "reports taken in", office.accepted::sum);   // monotonic
 * meters.counter("ingest.malformed", "reason", "too-large", "malformed messages by reason", () -> ...);
 * }</pre>
 *
 * Names are dotted ({@code ingest.queue.depth}); Prometheus sees {@code ingest_queue_depth} and, for
 * counters, {@code ..._total}. A name registered twice is refused: two parts must not report the
 * same figure. The JVM's own meters (memory, GC, threads, classes, CPU, uptime) are bound here.
 */
public final class Meters {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    /** Micrometer keeps function counters' objects weakly: a method reference held nowhere else would be collected. */
    private final List<Object> held = new CopyOnWriteArrayList<>();

    public Meters() {
        // Micrometer names it process_cpu_time_ns_total, which Prometheus's lint refuses (abbreviated
        // unit); process_cpu_usage says the same for a dashboard
        registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
        // system_cpu_count: a gauge ending in _count reads as a histogram's part to Prometheus's lint
        registry.config().meterFilter(MeterFilter.denyNameStartsWith("system.cpu.count"));
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** The Micrometer registry, for meters beyond gauges and counters (timers, distributions). */
    public MeterRegistry registry() {
        return registry;
    }

    /** A value that goes up and down (a queue's depth, a count of boxes). */
    public Meters gauge(String name, String description, Supplier<? extends Number> value) {
        refuseTwice(name, Tag.of("", ""));
        Gauge.builder(name, value, v -> read(v)).description(description).strongReference(true).register(registry);
        return this;
    }

    /** {@link #gauge(String, String, Supplier)} without a description. */
    public Meters gauge(String name, Supplier<? extends Number> value) {
        return gauge(name, name, value); // Prometheus wants a HELP line: the name, until the part says more
    }

    /** A flag (an alarm raised, a connection up): 1 or 0. */
    public Meters flag(String name, String description, BooleanSupplier value) {
        return gauge(name, description, () -> value.getAsBoolean() ? 1 : 0);
    }

    /** A count that only grows (messages received, refusals). */
    public Meters counter(String name, String description, Supplier<? extends Number> value) {
        refuseTwice(name, Tag.of("", ""));
        held.add(value);
        FunctionCounter.builder(name, value, v -> read(v)).description(description).register(registry);
        return this;
    }

    /** One series of a counter family, told apart by one tag ({@code ingest.malformed{reason="too-large"}}). */
    public Meters counter(String name, String tag, String tagValue, String description, Supplier<? extends Number> value) {
        refuseTwice(name, Tag.of(tag, tagValue));
        held.add(value);
        FunctionCounter.builder(name, value, v -> read(v)).tag(tag, tagValue).description(description).register(registry);
        return this;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * The manager's own meters by name (a tagged series as {@code name.tagValue}), sorted; the JVM's
     * are left out. A meter that fails shows its error instead of hiding the others.
     */
    public Map<String, Object> snapshot() {
        Map<String, Object> out = new TreeMap<>();
        for (Meter m : registry.getMeters()) {
            Meter.Id id = m.getId();
            if (id.getName().startsWith("jvm.") || id.getName().startsWith("process.") || id.getName().startsWith("system.")) {
                continue;
            }
            String key = id.getName() + id.getTags().stream().map(t -> "." + t.getValue()).reduce("", String::concat);
            try {
                double v = m.measure().iterator().next().getValue();
                out.put(key, v == Math.rint(v) && !Double.isInfinite(v) ? (Object) (long) v : (Object) v);
            } catch (RuntimeException e) {
                out.put(key, "error: " + e.getMessage());
            }
        }
        return out;
    }

    private void refuseTwice(String name, Tag tag) {
        for (Meter m : registry.getMeters()) {
            if (m.getId().getName().equals(name) && (tag.getKey().isEmpty() || tag.getValue().equals(m.getId().getTag(tag.getKey())))) {
                throw new IllegalArgumentException("meter " + name + (tag.getKey().isEmpty() ? "" : "{" + tag.getKey() + "=" + tag.getValue() + "}")
                        + " is registered twice");
            }
        }
    }

    private static double read(Supplier<? extends Number> s) {
        Number n = s.get();
        return n == null ? Double.NaN : n.doubleValue();
    }
}
