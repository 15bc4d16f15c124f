package cn.egov.api.web;

/**
 * Where a log-in form may send the browser afterwards ({@code next}): only a path of this site,
 * never a scheme, a host or a protocol-relative URL, so that a link to the log-in page cannot
 * lead a user, once logged in, to another site (an open redirect). The box's console and the
 * manager both use it.
 *
 * <pre>{@code
 * LocalPath.orEmpty("/exchange/?q=1")   // "/exchange/?q=1"
 * LocalPath.orEmpty("//evil.example/")  // ""  (protocol-relative)
 * LocalPath.orEmpty("/\\evil.example")  // ""  (browsers read a backslash as a slash)
 * LocalPath.orEmpty("https://x/")       // ""
 * }</pre>
 */
public final class LocalPath {
    /** Longer is not a page of ours; a bound keeps the hidden form field and the Location header small. */
    public static final int MAX_CHARS = 512;

    private LocalPath() {
    }

    /** The path if it is one of this site's, else the empty string. */
    public static String orEmpty(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\") || next.length() > MAX_CHARS
                || next.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return "";
        }
        return next;
    }
}
