package cn.egov.api.portal;

import cn.egov.api.json.JsonValues;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Canonical JSON of what the portal signs, RFC 8785 (JCS) by construction: {@link JsonValues#canonical}
 * sorts keys by UTF-16 code units and writes no spaces, and the values are limited to strings of
 * printable ASCII and integers of at most 2^53 - 1, where JsonValues' escaping and number form are
 * exactly JCS's (JCS writes numbers as IEEE doubles; larger integers would round). A test holds the
 * output equal to the reference implementation's.
 */
final class Canonical {

    private Canonical() {
    }

    static byte[] bytes(Object v) {
        check(v, "$");
        return JsonValues.canonical(v).getBytes(StandardCharsets.US_ASCII);
    }

    private static void check(Object v, String where) {
        if (v instanceof Map<?, ?> m) {
            m.forEach((k, x) -> {
                ascii(String.valueOf(k), where);
                check(x, where + "." + k);
            });
        } else if (v instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                check(l.get(i), where + "[" + i + "]");
            }
        } else if (v instanceof String s) {
            ascii(s, where);
        } else if (v instanceof Long || v instanceof Integer) {
            long n = ((Number) v).longValue();
            if (Math.abs(n) > SiteFile.MAX_SAFE_INTEGER) {
                throw new IllegalArgumentException(where + ": integer " + n + " is beyond 2^53 - 1");
            }
        } else {
            throw new IllegalArgumentException(where + ": cannot sign " + (v == null ? "null" : v.getClass().getSimpleName()));
        }
    }

    private static void ascii(String s, String where) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException(where + ": only printable ASCII is signed, found U+" + String.format("%04X", (int) c));
            }
        }
    }
}
