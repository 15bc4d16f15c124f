package cn.egov.api.text;

/**
 * Text that came from outside (a box's metric, a client id, a request header, a file name) made
 * safe to put into a log line: control characters are escaped, so a newline cannot forge a line
 * of its own, and long values are cut, so one message cannot flood the log.
 *
 * <pre>{@code
 * LOG.warn("refused publish by client '{}'", LogSafe.of(clientId));
 * // a client id "box\nINFO forged" is logged as 'box\nINFO forged' on one line
 * }</pre>
 */
public final class LogSafe {

    /** Longest value logged whole; the rest is replaced by a count of what was cut. */
    public static final int MAX_CHARS = 256;

    private LogSafe() {
    }

    /** The value with control characters escaped ({@code \n}, {@code \r}, {@code \t}, {@code \\uXXXX}) and cut at {@link #MAX_CHARS}. */
    public static String of(Object value) {
        if (value == null) {
            return "null";
        }
        String s = value.toString();
        int limit = Math.min(s.length(), MAX_CHARS);
        StringBuilder out = null;
        for (int i = 0; i < limit; i++) {
            char c = s.charAt(i);
            boolean control = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
            if (control && out == null) {
                out = new StringBuilder(limit + 16).append(s, 0, i);
            }
            if (out != null) {
                if (!control) {
                    out.append(c);
                } else if (c == '\n') {
                    out.append("\\n");
                } else if (c == '\r') {
                    out.append("\\r");
                } else if (c == '\t') {
                    out.append("\\t");
                } else {
                    out.append(String.format("\\u%04x", (int) c));
                }
            }
        }
        if (out == null && s.length() <= MAX_CHARS) {
            return s;
        }
        if (out == null) {
            out = new StringBuilder(s.substring(0, limit));
        }
        if (s.length() > MAX_CHARS) {
            out.append("…(").append(s.length() - MAX_CHARS).append(" more chars)");
        }
        return out.toString();
    }
}
