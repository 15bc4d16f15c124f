package cn.egov.api.update;

import cn.egov.api.json.JsonValues;
import cn.egov.api.policy.PolicyBundleException;
import cn.egov.api.policy.PolicyBundleException.Check;
import cn.egov.api.policy.PolicyScope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What the manager signs for a box update: which package, which version, for whom, and the SHA-256
 * and size of the package's bytes (which travel next to the signed envelope, {@link BoxUpdate}).
 * Canonical JSON, ASCII:
 * <pre>{@code
 * {"format":"egov-box-update/1","issued_at":"2026-12-04T10:00:00Z","package":"egov-box","scope":"county:130602",
 *  "serial":12,"sha256":"<hex>","size":37980548,"version":"0.2.0"}
 * }</pre>
 *
 * @param packageName the Debian package ({@link #PACKAGE})
 * @param version     its Debian version
 * @param serial      one more than the manager's last update serial: a box takes only a greater one
 * @param issuedAt    when it was signed
 * @param scope       the units it is for
 * @param sha256      hex SHA-256 of the package's bytes
 * @param size        the package's size in bytes
 */
public record UpdateManifest(String packageName, String version, long serial, Instant issuedAt, PolicyScope scope,
                             String sha256, long size) {

    /** The manifest format this code writes and reads. */
    public static final String FORMAT = "egov-box-update/1";
    /** The only package a box update installs. */
    public static final String PACKAGE = "egov-box";
    /** Debian's version syntax (upstream and revision; epochs are not used by this project). */
    private static final Pattern VERSION = Pattern.compile("[0-9][A-Za-z0-9.+~-]{0,63}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public UpdateManifest {
        if (!PACKAGE.equals(packageName)) {
            throw new IllegalArgumentException("package '" + packageName + "' is not " + PACKAGE);
        }
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("version '" + version + "' is not a Debian version");
        }
        if (serial < 1) {
            throw new IllegalArgumentException("serial " + serial + " is not positive");
        }
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 '" + sha256 + "' is not 64 lower-case hex digits");
        }
        if (size < 1) {
            throw new IllegalArgumentException("size " + size + " is not positive");
        }
    }

    /** The bytes to sign. */
    public byte[] toBytes() {
        Map<String, Object> m = new TreeMap<>();
        m.put("format", FORMAT);
        m.put("package", packageName);
        m.put("version", version);
        m.put("serial", serial);
        m.put("issued_at", issuedAt.toString());
        m.put("scope", scope.toString());
        m.put("sha256", sha256);
        m.put("size", size);
        return JsonValues.canonical(m).getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads manifest bytes; every malformation is a {@link Check#FORMAT} error naming the field. */
    public static UpdateManifest parse(byte[] bytes) throws PolicyBundleException {
        Object v;
        try {
            v = JsonValues.parse(new String(bytes, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw format("update manifest is not valid JSON: " + e.getMessage());
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw format("update manifest is not a JSON object");
        }
        if (!FORMAT.equals(m.get("format"))) {
            throw format("update manifest field 'format' is '" + m.get("format") + "', this box reads " + FORMAT);
        }
        try {
            return new UpdateManifest(text(m, "package"), text(m, "version"), number(m, "serial"),
                    Instant.parse(text(m, "issued_at")), PolicyScope.parse(text(m, "scope")), text(m, "sha256"), number(m, "size"));
        } catch (DateTimeParseException e) {
            throw format("update manifest field 'issued_at' is not an ISO-8601 instant: " + e.getParsedString());
        } catch (IllegalArgumentException e) {
            throw format("update manifest: " + e.getMessage());
        }
    }

    private static String text(Map<?, ?> m, String field) throws PolicyBundleException {
        if (!(m.get(field) instanceof String s)) {
            throw format("update manifest field '" + field + "' is missing or not a string");
        }
        return s;
    }

    private static long number(Map<?, ?> m, String field) throws PolicyBundleException {
        if (!(m.get(field) instanceof Long n)) {
            throw format("update manifest field '" + field + "' is missing or not an integer");
        }
        return n;
    }

    private static PolicyBundleException format(String message) {
        return new PolicyBundleException(Check.FORMAT, message);
    }
}
