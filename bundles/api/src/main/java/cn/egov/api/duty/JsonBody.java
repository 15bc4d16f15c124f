package cn.egov.api.duty;

import cn.egov.api.json.JsonValues;
import cn.egov.api.payload.KuraPayload;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Reads the JSON bodies of the duty messages with errors that name the field. */
final class JsonBody {

    /** Largest body read (a full roster or receipt list is far smaller). */
    static final int MAX_BYTES = 1 << 20;

    private JsonBody() {
    }

    static byte[] write(Object value) {
        return JsonValues.canonical(value).getBytes(StandardCharsets.UTF_8);
    }

    static Map<?, ?> read(KuraPayload p, String what) {
        byte[] body = p.body();
        if (body == null || body.length == 0) {
            throw new DutyInputException("body", what + " has no body");
        }
        if (body.length > MAX_BYTES) {
            throw new DutyInputException("body", what + " body of " + body.length + " bytes exceeds " + MAX_BYTES);
        }
        Object v;
        try {
            v = JsonValues.parse(new String(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new DutyInputException("body", what + " body is not JSON: " + e.getMessage());
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new DutyInputException("body", what + " body must be a JSON object");
        }
        return m;
    }

    static String string(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new DutyInputException(key, "'" + key + "' must be a string");
        }
        return s;
    }

    static long number(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Long n)) {
            throw new DutyInputException(key, "'" + key + "' must be a whole number");
        }
        return n;
    }

    static Instant time(Map<?, ?> m, String key) {
        return m.get(key) == null ? null : Instant.ofEpochMilli(number(m, key));
    }

    static List<?> list(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof List<?> l)) {
            throw new DutyInputException(key, "'" + key + "' must be a list");
        }
        return l;
    }

    static Map<?, ?> object(Object v, String key) {
        if (!(v instanceof Map<?, ?> m)) {
            throw new DutyInputException(key, "every entry of '" + key + "' must be an object");
        }
        return m;
    }
}
