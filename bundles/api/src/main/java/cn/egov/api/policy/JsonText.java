package cn.egov.api.policy;

import cn.egov.api.json.JsonValues;
import java.util.List;
import java.util.Map;

/**
 * The canonical JSON text of a policy manifest or envelope ({@link JsonValues#canonical}),
 * limited to maps, lists, strings and integers: a signed value has one byte form, which
 * floating-point numbers, booleans and nulls would put in doubt.
 */
final class JsonText {

    private JsonText() {
    }

    static String write(Object v) {
        requireSignable(v);
        return JsonValues.canonical(v);
    }

    private static void requireSignable(Object v) {
        if (v instanceof Map<?, ?> m) {
            m.values().forEach(JsonText::requireSignable);
        } else if (v instanceof List<?> l) {
            l.forEach(JsonText::requireSignable);
        } else if (!(v instanceof String || v instanceof Long || v instanceof Integer)) {
            throw new IllegalArgumentException("cannot write " + (v == null ? "null" : v.getClass().getSimpleName()) + " as canonical JSON");
        }
    }
}
