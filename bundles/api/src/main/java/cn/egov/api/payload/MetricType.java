package cn.egov.api.payload;

/** The KuraMetric value types with their wire numbers. */
public enum MetricType {
    DOUBLE(0), FLOAT(1), INT64(2), INT32(3), BOOL(4), STRING(5), BYTES(6);

    public final int wire;

    MetricType(int wire) {
        this.wire = wire;
    }

    /** By wire number (which is dense from 0): looked up for every metric decoded, without copying {@code values()}. */
    private static final MetricType[] BY_WIRE = new MetricType[values().length];

    static {
        for (MetricType t : values()) {
            BY_WIRE[t.wire] = t;
        }
    }

    public static MetricType fromWire(int wire) {
        return wire >= 0 && wire < BY_WIRE.length ? BY_WIRE[wire] : null;
    }

    /** The type of a Java value; the error names the unsupported class. */
    public static MetricType of(Object value) {
        if (value instanceof Double) return DOUBLE;
        if (value instanceof Float) return FLOAT;
        if (value instanceof Long) return INT64;
        if (value instanceof Integer) return INT32;
        if (value instanceof Boolean) return BOOL;
        if (value instanceof String) return STRING;
        if (value instanceof byte[]) return BYTES;
        throw new IllegalArgumentException("unsupported metric value type: "
                + (value == null ? "null" : value.getClass().getName()));
    }
}
