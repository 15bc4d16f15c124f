package cn.egov.api.policy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Canonical JSON text of maps, lists, strings and longs: keys sorted, no spaces, strings fully escaped. */
final class JsonText {

    private JsonText() {
    }

    static String write(Object v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v) {
        if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : new TreeMap<>(m).entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                string(sb, String.valueOf(e.getKey()));
                sb.append(':');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(sb, l.get(i));
            }
            sb.append(']');
        } else if (v instanceof String s) {
            string(sb, s);
        } else if (v instanceof Long || v instanceof Integer) {
            sb.append(v);
        } else {
            throw new IllegalArgumentException("cannot write " + (v == null ? "null" : v.getClass().getSimpleName()) + " as canonical JSON");
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c)); // ASCII-only text: one byte form per value
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
