package cn.egov.api.portal;

import cn.egov.api.json.JsonValues;
import cn.egov.api.portal.SnapshotException.Check;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Reads fields of parsed JSON; every problem is a {@link Check#FORMAT} error naming the field. */
final class JsonFields {

    private JsonFields() {
    }

    static Object parse(byte[] bytes, String what) throws SnapshotException {
        try {
            return JsonValues.parse(new String(bytes, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw format(what + " is not valid JSON: " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object v, String what) throws SnapshotException {
        if (!(v instanceof Map<?, ?>)) {
            throw format(what + " is not a JSON object");
        }
        return (Map<String, Object>) v;
    }

    static List<?> list(Map<String, Object> m, String field, String what) throws SnapshotException {
        if (!(m.get(field) instanceof List<?> l)) {
            throw format(what + " field '" + field + "' is missing or not a list");
        }
        return l;
    }

    static String text(Map<String, Object> m, String field, String what) throws SnapshotException {
        if (!(m.get(field) instanceof String s)) {
            throw format(what + " field '" + field + "' is missing or not a string");
        }
        return s;
    }

    static long integer(Map<String, Object> m, String field, String what) throws SnapshotException {
        if (!(m.get(field) instanceof Long n)) {
            throw format(what + " field '" + field + "' is missing or not an integer");
        }
        return n;
    }

    static SnapshotException format(String message) {
        return new SnapshotException(Check.FORMAT, message);
    }
}
