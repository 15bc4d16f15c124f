package cn.egov.api.payload;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The Kura/Kapua message payload: a timestamp, named typed metrics and an optional body.
 *
 * <p>Metric values are one of {@code Double, Float, Long, Integer, Boolean, String, byte[]},
 * the seven KuraMetric types. Instances are immutable; build them with {@link #builder()}.
 *
 * <pre>{@code
 * KuraPayload p = KuraPayload.builder()
 *     .timestamp(System.currentTimeMillis())
 *     .metric("uptime", 1234L)
 *     .metric("display_name", "Baoding water bureau")
 *     .build();
 * byte[] wire = KuraPayloadCodec.encode(p);
 * }</pre>
 *
 * @param timestamp milliseconds since the epoch, or {@code null} when absent
 * @param position  the optional GPS position
 * @param metrics   metrics in insertion order (unmodifiable)
 * @param body      the optional opaque body, or {@code null}
 */
public record KuraPayload(Long timestamp, KuraPosition position, Map<String, Object> metrics, byte[] body) {

    public KuraPayload {
        if (metrics instanceof Built built && built.handOver()) {
            metrics = Collections.unmodifiableMap(built); // checked as the builder took them; it writes no more into this map
        } else {
            metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics == null ? Map.of() : metrics));
            for (Map.Entry<String, Object> e : metrics.entrySet()) {
                Objects.requireNonNull(e.getKey(), "metric name");
                MetricType.of(e.getValue()); // rejects unsupported types early
            }
        }
    }

    /**
     * A builder's metrics, handed to the first payload built from them instead of copied (the ingest
     * decoder builds one payload per message: the copy and the second type check were a tenth of its
     * work). A builder that goes on after {@link Builder#build} writes into a copy.
     */
    private static final class Built extends LinkedHashMap<String, Object> {
        private boolean handedOver;

        Built() {
        }

        Built(Map<String, Object> metrics) {
            super(metrics);
        }

        /** True the first time: the payload may keep this map. */
        boolean handOver() {
            boolean first = !handedOver;
            handedOver = true;
            return first;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The metric's value, or {@code null} when absent. */
    public Object metric(String name) {
        return metrics.get(name);
    }

    /** The metric as a string, or {@code null}; a value of another type is rendered with toString. */
    public String stringMetric(String name) {
        Object v = metrics.get(name);
        return v == null ? null : v.toString();
    }

    /** The metric as a long when it is any integral or floating type, else {@code null}. */
    public Long longMetric(String name) {
        return metrics.get(name) instanceof Number n ? n.longValue() : null;
    }

    /** The metric as a double when it is numeric, else {@code null}. */
    public Double doubleMetric(String name) {
        return metrics.get(name) instanceof Number n ? n.doubleValue() : null;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof KuraPayload other)) {
            return false;
        }
        if (!Objects.equals(timestamp, other.timestamp) || !Objects.equals(position, other.position)
                || !java.util.Arrays.equals(body, other.body) || metrics.size() != other.metrics.size()) {
            return false;
        }
        for (Map.Entry<String, Object> e : metrics.entrySet()) {
            Object a = e.getValue();
            Object b = other.metrics.get(e.getKey());
            if (a instanceof byte[] x && b instanceof byte[] y ? !java.util.Arrays.equals(x, y) : !Objects.equals(a, b)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(timestamp, position, metrics.keySet(), java.util.Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "KuraPayload[timestamp=" + timestamp + ", metrics=" + metrics.keySet()
                + (body == null ? "" : ", body=" + body.length + " bytes") + "]";
    }

    /** Collects metrics in order; the last value set for a name wins. */
    public static final class Builder {
        private Long timestamp;
        private KuraPosition position;
        private Built metrics = new Built();
        private byte[] body;

        public Builder timestamp(long millis) {
            this.timestamp = millis;
            return this;
        }

        public Builder position(KuraPosition position) {
            this.position = position;
            return this;
        }

        public Builder metric(String name, Object value) {
            MetricType.of(value);
            if (metrics.handedOver) {
                metrics = new Built(metrics); // a payload holds the last map
            }
            metrics.put(Objects.requireNonNull(name, "metric name"), value);
            return this;
        }

        public Builder metrics(Map<String, ?> values) {
            values.forEach(this::metric);
            return this;
        }

        public Builder body(byte[] body) {
            this.body = body;
            return this;
        }

        public KuraPayload build() {
            return new KuraPayload(timestamp, position, metrics, body);
        }
    }
}
