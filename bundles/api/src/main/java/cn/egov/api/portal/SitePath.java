package cn.egov.api.portal;

import java.util.Optional;

/**
 * The paths a snapshot may list: relative, '/'-separated, made of the characters below only, so
 * that a path names the same file on every box and in every URL, and never leaves the site.
 * Refused: an absolute path, an empty, {@code .} or {@code ..} segment, a backslash, NUL or any
 * other control character, characters outside {@code [A-Za-z0-9._~+@,=-]}, more than
 * {@link #MAX_LENGTH} characters.
 *
 * <pre>{@code
 * SitePath.problem("news/2026/1203.html");   // empty: fine
 * SitePath.problem("../etc/passwd");         // "segment '..' ..."
 * }</pre>
 */
public final class SitePath {

    /** Longest path accepted. */
    public static final int MAX_LENGTH = 512;
    private static final String ALLOWED = "._~+@,=-";

    private SitePath() {
    }

    /** Why {@code path} is not a valid site path, or empty when it is. */
    public static Optional<String> problem(String path) {
        if (path == null || path.isEmpty()) {
            return Optional.of("path is empty");
        }
        if (path.length() > MAX_LENGTH) {
            return Optional.of("path has " + path.length() + " characters, more than " + MAX_LENGTH);
        }
        if (path.charAt(0) == '/') {
            return Optional.of("path '" + printable(path) + "' is absolute");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || ALLOWED.indexOf(c) >= 0;
            if (!ok) {
                String what = c == 0 ? "NUL" : c == '\\' ? "a backslash" : c < 0x20 || c == 0x7f ? "a control character"
                        : "character '" + c + "'";
                return Optional.of("path '" + printable(path) + "' contains " + what + " at " + i);
            }
        }
        for (String seg : path.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                return Optional.of("path '" + printable(path) + "' has segment '" + seg + "' (empty, '.' and '..' are refused)");
            }
        }
        return Optional.empty();
    }

    /** Throws {@link IllegalArgumentException} with the {@link #problem}. */
    public static String require(String path) {
        problem(path).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        return path;
    }

    /** The path with control characters shown as {@code \\uXXXX}, for error messages. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(s.length(), 120); i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return s.length() > 120 ? b + "..." : b.toString();
    }
}
