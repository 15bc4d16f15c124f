package cn.egov.api.payload;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Encodes and decodes the KuraPayload protobuf (proto2, package {@code kuradatatypes}) by hand,
 * so that the box needs no protobuf runtime. Field numbers: timestamp 1, position 2,
 * metric 5000, body 5001; KuraMetric name 1, type 2, values 3–9. A gzip-compressed payload
 * (as Kura may send) is recognised by its magic bytes and inflated up to {@link #MAX_INFLATED_BYTES}.
 *
 * <p>Decoding never trusts the input: lengths are checked against what remains, and every
 * error names the byte offset and the field.
 */
public final class KuraPayloadCodec {

    /** Largest payload, after gzip inflation, that {@link #decode} accepts. */
    public static final int MAX_INFLATED_BYTES = 4 * 1024 * 1024;

    private static final int WT_VARINT = 0;
    private static final int WT_FIXED64 = 1;
    private static final int WT_LEN = 2;
    private static final int WT_FIXED32 = 5;

    private KuraPayloadCodec() {
    }

    public static byte[] encode(KuraPayload payload) {
        byte[] head = encodeHead(payload);
        if (payload.body() == null) {
            return head;
        }
        byte[] all = java.util.Arrays.copyOf(head, head.length + payload.body().length); // one array of the exact size
        System.arraycopy(payload.body(), 0, all, head.length, payload.body().length);
        return all;
    }

    /**
     * The encoding up to the body's bytes: every field, then the body's tag and length (the body is the last field).
     * {@code encodeHead(p)} followed by {@code p.body()} is {@code encode(p)}, so a sender can write a megabyte body
     * straight from its array instead of copying it into the encoding first.
     */
    public static byte[] encodeHead(KuraPayload payload) {
        Writer w = new Writer(64 + payload.metrics().size() * 32);
        if (payload.timestamp() != null) {
            w.tag(1, WT_VARINT).varint(payload.timestamp());
        }
        if (payload.position() != null) {
            byte[] pos = encodePosition(payload.position());
            w.tag(2, WT_LEN).bytes(pos);
        }
        for (Map.Entry<String, Object> e : payload.metrics().entrySet()) {
            w.tag(5000, WT_LEN).bytes(encodeMetric(e.getKey(), e.getValue()));
        }
        if (payload.body() != null) {
            w.tag(5001, WT_LEN).varint(payload.body().length);
        }
        return w.toByteArray();
    }

    /** Encodes, then gzip-compresses; Kura accepts both forms. */
    public static byte[] encodeGzip(KuraPayload payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(encode(payload));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static byte[] encodeMetric(String name, Object value) {
        Writer w = new Writer(16 + name.length());
        MetricType type = MetricType.of(value);
        w.tag(1, WT_LEN).bytes(name.getBytes(StandardCharsets.UTF_8));
        w.tag(2, WT_VARINT).varint(type.wire);
        switch (type) {
            case DOUBLE -> w.tag(3, WT_FIXED64).fixed64(Double.doubleToRawLongBits((Double) value));
            case FLOAT -> w.tag(4, WT_FIXED32).fixed32(Float.floatToRawIntBits((Float) value));
            case INT64 -> w.tag(5, WT_VARINT).varint((Long) value);
            case INT32 -> w.tag(6, WT_VARINT).varint((Integer) value);
            case BOOL -> w.tag(7, WT_VARINT).varint((Boolean) value ? 1 : 0);
            case STRING -> w.tag(8, WT_LEN).bytes(((String) value).getBytes(StandardCharsets.UTF_8));
            case BYTES -> w.tag(9, WT_LEN).bytes((byte[]) value);
        }
        return w.toByteArray();
    }

    private static byte[] encodePosition(KuraPosition p) {
        Writer w = new Writer(80);
        w.tag(1, WT_FIXED64).fixed64(Double.doubleToRawLongBits(p.latitude()));
        w.tag(2, WT_FIXED64).fixed64(Double.doubleToRawLongBits(p.longitude()));
        optionalDouble(w, 3, p.altitude());
        optionalDouble(w, 4, p.precision());
        optionalDouble(w, 5, p.heading());
        optionalDouble(w, 6, p.speed());
        if (p.timestamp() != null) w.tag(7, WT_VARINT).varint(p.timestamp());
        if (p.satellites() != null) w.tag(8, WT_VARINT).varint(p.satellites());
        if (p.status() != null) w.tag(9, WT_VARINT).varint(p.status());
        return w.toByteArray();
    }

    private static void optionalDouble(Writer w, int field, Double v) {
        if (v != null) {
            w.tag(field, WT_FIXED64).fixed64(Double.doubleToRawLongBits(v));
        }
    }

    /**
     * Decodes a payload, inflating it first when it is gzip-compressed.
     *
     * @throws PayloadFormatException naming the offset and field of the first problem
     */
    public static KuraPayload decode(byte[] data) throws PayloadFormatException {
        if (data == null) {
            throw new PayloadFormatException("payload is null");
        }
        if (data.length >= 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b) {
            data = inflate(data);
        } else if (data.length > MAX_INFLATED_BYTES) {
            throw new PayloadFormatException("payload of " + data.length + " bytes exceeds the limit of " + MAX_INFLATED_BYTES);
        }
        Reader r = new Reader(data, 0, data.length);
        KuraPayload.Builder b = KuraPayload.builder();
        while (r.hasMore()) {
            int at = r.pos;
            long key = r.varint("field key");
            int field = (int) (key >>> 3);
            int wt = (int) (key & 7);
            switch (field) {
                case 1 -> {
                    r.expect(wt, WT_VARINT, "timestamp", at);
                    b.timestamp(r.varint("timestamp"));
                }
                case 2 -> {
                    r.expect(wt, WT_LEN, "position", at);
                    b.position(decodePosition(r.sub("position")));
                }
                case 5000 -> {
                    r.expect(wt, WT_LEN, "metric", at);
                    Reader m = r.sub("metric");
                    decodeMetric(m, b);
                }
                case 5001 -> {
                    r.expect(wt, WT_LEN, "body", at);
                    Reader body = r.sub("body");
                    b.body(java.util.Arrays.copyOfRange(data, body.pos, body.end));
                }
                default -> r.skip(wt, field, at);
            }
        }
        return b.build();
    }

    /** A metric's value fields: double 3 … bytes 9. */
    private static final int VALUE_FIELDS = 7;

    private static void decodeMetric(Reader r, KuraPayload.Builder b) throws PayloadFormatException {
        int start = r.pos;
        String name = null;
        Integer type = null;
        Object[] values = new Object[VALUE_FIELDS]; // fields 3..9 (a map per metric was most of the decoder's garbage)
        while (r.hasMore()) {
            int at = r.pos;
            long key = r.varint("metric field key");
            int field = (int) (key >>> 3);
            int wt = (int) (key & 7);
            switch (field) {
                case 1 -> {
                    r.expect(wt, WT_LEN, "metric.name", at);
                    name = r.sub("metric.name").utf8();
                }
                case 2 -> {
                    r.expect(wt, WT_VARINT, "metric.type", at);
                    type = (int) r.varint("metric.type");
                }
                case 3 -> { r.expect(wt, WT_FIXED64, "metric.double_value", at); values[0] = Double.longBitsToDouble(r.fixed64()); }
                case 4 -> { r.expect(wt, WT_FIXED32, "metric.float_value", at); values[1] = Float.intBitsToFloat(r.fixed32()); }
                case 5 -> { r.expect(wt, WT_VARINT, "metric.long_value", at); values[2] = r.varint("metric.long_value"); }
                case 6 -> { r.expect(wt, WT_VARINT, "metric.int_value", at); values[3] = (int) r.varint("metric.int_value"); }
                case 7 -> { r.expect(wt, WT_VARINT, "metric.bool_value", at); values[4] = r.varint("metric.bool_value") != 0; }
                case 8 -> { r.expect(wt, WT_LEN, "metric.string_value", at); values[5] = r.sub("metric.string_value").utf8(); }
                case 9 -> {
                    r.expect(wt, WT_LEN, "metric.bytes_value", at);
                    Reader v = r.sub("metric.bytes_value");
                    values[6] = java.util.Arrays.copyOfRange(v.data, v.pos, v.end);
                }
                default -> r.skip(wt, field, at);
            }
        }
        if (name == null) {
            throw new PayloadFormatException("metric at offset " + start + " has no name (field 1 is required)");
        }
        if (type == null) {
            throw new PayloadFormatException("metric '" + name + "' has no type (field 2 is required)");
        }
        MetricType t = MetricType.fromWire(type);
        if (t == null) {
            throw new PayloadFormatException("metric '" + name + "' has unknown type " + type);
        }
        int valueField = t.wire + 3;
        Object value = values[t.wire];
        if (value == null) {
            List<Integer> present = new ArrayList<>();
            for (int i = 0; i < VALUE_FIELDS; i++) {
                if (values[i] != null) {
                    present.add(i + 3);
                }
            }
            throw new PayloadFormatException("metric '" + name + "' declares type " + t
                    + " but carries no value in field " + valueField
                    + (present.isEmpty() ? "" : " (it has field(s) " + present + ")"));
        }
        b.metric(name, value);
    }

    private static KuraPosition decodePosition(Reader r) throws PayloadFormatException {
        Double lat = null, lon = null, alt = null, prec = null, head = null, speed = null;
        Long ts = null;
        Integer sat = null, status = null;
        while (r.hasMore()) {
            int at = r.pos;
            long key = r.varint("position field key");
            int field = (int) (key >>> 3);
            int wt = (int) (key & 7);
            if (field >= 1 && field <= 6) {
                r.expect(wt, WT_FIXED64, "position field " + field, at);
                double d = Double.longBitsToDouble(r.fixed64());
                switch (field) {
                    case 1 -> lat = d;
                    case 2 -> lon = d;
                    case 3 -> alt = d;
                    case 4 -> prec = d;
                    case 5 -> head = d;
                    default -> speed = d;
                }
            } else if (field >= 7 && field <= 9) {
                r.expect(wt, WT_VARINT, "position field " + field, at);
                long v = r.varint("position field " + field);
                switch (field) {
                    case 7 -> ts = v;
                    case 8 -> sat = (int) v;
                    default -> status = (int) v;
                }
            } else {
                r.skip(wt, field, at);
            }
        }
        if (lat == null || lon == null) {
            throw new PayloadFormatException("position lacks the required latitude (1) or longitude (2)");
        }
        return new KuraPosition(lat, lon, alt, prec, head, speed, ts, sat, status);
    }

    private static byte[] inflate(byte[] gz) throws PayloadFormatException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(gz.length * 4, MAX_INFLATED_BYTES));
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (out.size() + n > MAX_INFLATED_BYTES) {
                    throw new PayloadFormatException("gzip payload inflates beyond the limit of " + MAX_INFLATED_BYTES + " bytes");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new PayloadFormatException("gzip payload is corrupt: " + e.getMessage());
        }
    }

    private static final class Writer {
        private byte[] buf;
        private int len;

        Writer(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        private void ensure(int extra) {
            if (len + extra > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
            }
        }

        Writer tag(int field, int wireType) {
            return varint(((long) field << 3) | wireType);
        }

        Writer varint(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[len++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[len++] = (byte) v;
            return this;
        }

        Writer fixed64(long v) {
            ensure(8);
            for (int i = 0; i < 8; i++) {
                buf[len++] = (byte) (v >>> (8 * i));
            }
            return this;
        }

        Writer fixed32(int v) {
            ensure(4);
            for (int i = 0; i < 4; i++) {
                buf[len++] = (byte) (v >>> (8 * i));
            }
            return this;
        }

        Writer bytes(byte[] b) {
            varint(b.length);
            ensure(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
            return this;
        }

        byte[] toByteArray() {
            return java.util.Arrays.copyOf(buf, len);
        }
    }

    private static final class Reader {
        final byte[] data;
        int pos;
        final int end;

        Reader(byte[] data, int pos, int end) {
            this.data = data;
            this.pos = pos;
            this.end = end;
        }

        boolean hasMore() {
            return pos < end;
        }

        long varint(String what) throws PayloadFormatException {
            long result = 0;
            int start = pos;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new PayloadFormatException("truncated varint for " + what + " at offset " + start);
                }
                byte b = data[pos++];
                result |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
            }
            throw new PayloadFormatException("malformed varint for " + what + " at offset " + start);
        }

        long fixed64() throws PayloadFormatException {
            need(8, "fixed64");
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v |= (long) (data[pos++] & 0xff) << (8 * i);
            }
            return v;
        }

        int fixed32() throws PayloadFormatException {
            need(4, "fixed32");
            int v = 0;
            for (int i = 0; i < 4; i++) {
                v |= (data[pos++] & 0xff) << (8 * i);
            }
            return v;
        }

        private void need(int n, String what) throws PayloadFormatException {
            if (end - pos < n) {
                throw new PayloadFormatException("truncated " + what + " at offset " + pos + ": need " + n + " bytes, " + (end - pos) + " left");
            }
        }

        Reader sub(String what) throws PayloadFormatException {
            int at = pos;
            long n = varint(what + " length");
            if (n < 0 || n > end - pos) {
                throw new PayloadFormatException("truncated " + what + " at offset " + at + ": length " + n + " but " + (end - pos) + " bytes left");
            }
            Reader r = new Reader(data, pos, pos + (int) n);
            pos += (int) n;
            return r;
        }

        String utf8() {
            return new String(data, pos, end - pos, StandardCharsets.UTF_8);
        }

        void expect(int actual, int wanted, String field, int at) throws PayloadFormatException {
            if (actual != wanted) {
                throw new PayloadFormatException("field " + field + " at offset " + at + " has wire type " + actual + ", expected " + wanted);
            }
        }

        void skip(int wt, int field, int at) throws PayloadFormatException {
            switch (wt) {
                case WT_VARINT -> varint("unknown field " + field);
                case WT_FIXED64 -> { need(8, "field " + field); pos += 8; }
                case WT_LEN -> sub("field " + field);
                case WT_FIXED32 -> { need(4, "field " + field); pos += 4; }
                default -> throw new PayloadFormatException("unsupported wire type " + wt + " for field " + field + " at offset " + at);
            }
        }
    }
}
