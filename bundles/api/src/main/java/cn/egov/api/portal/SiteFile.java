package cn.egov.api.portal;

import java.util.regex.Pattern;

/**
 * One file of a site snapshot as its manifest lists it. The box serves exactly these paths and
 * nothing else; the content is fetched by its hash and accepted only when the hash matches.
 *
 * @param path     a {@link SitePath}, e.g. {@code news/2026/1203.html}
 * @param sha256   lower-case hex SHA-256 of the content
 * @param size     bytes
 * @param type     the Content-Type to serve, e.g. {@code text/html; charset=utf-8}
 * @param modified when the content last changed at the publisher, seconds since the epoch (Last-Modified)
 */
public record SiteFile(String path, String sha256, long size, String type, long modified) {

    static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** type/subtype with optional parameters, printable ASCII. */
    private static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*(; ?[a-z0-9_-]+=[A-Za-z0-9_.-]+)*");
    /** Largest integer whose canonical JSON is the same in RFC 8785 (which writes numbers as doubles). */
    static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    public SiteFile {
        SitePath.require(path);
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("file " + path + ": sha256 '" + sha256 + "' is not 64 lower-case hex digits");
        }
        if (size < 0 || size > MAX_SAFE_INTEGER) {
            throw new IllegalArgumentException("file " + path + ": size " + size + " is out of range");
        }
        if (type == null || type.length() > 100 || !TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("file " + path + ": content type '" + type + "' is not type/subtype[; param=value]");
        }
        if (modified < 0 || modified > MAX_SAFE_INTEGER) {
            throw new IllegalArgumentException("file " + path + ": modified " + modified + " is out of range");
        }
    }
}
