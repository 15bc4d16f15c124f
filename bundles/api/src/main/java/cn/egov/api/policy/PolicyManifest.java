package cn.egov.api.policy;

import cn.egov.api.json.JsonValues;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a policy signer vouches for: the policy's name and version, a serial that only grows
 * (the box refuses anything not newer than what it has in force), when it was issued, which units
 * it is for, and every file with its SHA-256 and content.
 *
 * <p>Its bytes are canonical JSON (keys sorted, no spaces, ASCII only), so the same manifest
 * always has the same bytes; the signature covers exactly those bytes:
 * <pre>{@code
 * {"files":[{"content":"<base64>","name":"10-zones.policy","sha256":"<hex>"}],"format":"egov-policy-manifest/1",
 *  "issued_at":"2026-11-27T10:00:00Z","policy_name":"hebei-baseline","policy_version":"2026.3",
 *  "scope":"county:130602","serial":7}
 * }</pre>
 *
 * @param policyName    the policy's {@code name}
 * @param policyVersion the policy's {@code version}
 * @param serial        positive; each bundle the manager issues has a greater serial than the last
 * @param issuedAt      when it was signed (the signer's certificate must be valid then)
 * @param scope         which units it is for
 * @param files         the policy files, at least one, distinct names, in name order
 */
public record PolicyManifest(String policyName, String policyVersion, long serial, Instant issuedAt, PolicyScope scope,
                             List<PolicyFile> files) {

    /** The manifest format this code writes and reads. */
    public static final String FORMAT = "egov-policy-manifest/1";
    /** Most files in one manifest. */
    public static final int MAX_FILES = 256;

    public PolicyManifest {
        if (policyName == null || policyName.isBlank()) {
            throw new IllegalArgumentException("manifest field 'policy_name' is empty");
        }
        if (policyVersion == null || policyVersion.isBlank()) {
            throw new IllegalArgumentException("manifest field 'policy_version' is empty");
        }
        if (serial <= 0) {
            throw new IllegalArgumentException("manifest field 'serial' must be positive, got " + serial);
        }
        if (issuedAt == null || scope == null) {
            throw new IllegalArgumentException("manifest field '" + (issuedAt == null ? "issued_at" : "scope") + "' is missing");
        }
        if (files == null || files.isEmpty() || files.size() > MAX_FILES) {
            throw new IllegalArgumentException("manifest must list 1 to " + MAX_FILES + " files, got " + (files == null ? 0 : files.size()));
        }
        Set<String> names = new HashSet<>();
        for (PolicyFile f : files) {
            if (!names.add(f.name())) {
                throw new IllegalArgumentException("manifest lists file " + f.name() + " twice");
            }
        }
        files = files.stream().sorted(java.util.Comparator.comparing(PolicyFile::name)).toList();
    }

    /** The canonical bytes that are signed. */
    public byte[] toBytes() {
        List<Object> fs = new ArrayList<>();
        for (PolicyFile f : files) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", f.name());
            m.put("sha256", f.sha256());
            m.put("content", Base64.getEncoder().encodeToString(f.content()));
            fs.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("policy_name", policyName);
        m.put("policy_version", policyVersion);
        m.put("serial", serial);
        m.put("issued_at", issuedAt.toString());
        m.put("scope", scope.toString());
        m.put("files", fs);
        return JsonText.write(m).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads manifest bytes. File hashes are not checked here ({@link PolicyBundleVerifier} does,
     * after the signature); every other malformation is a {@link PolicyBundleException.Check#FORMAT}
     * error naming the field.
     */
    public static Parsed parse(byte[] bytes) throws PolicyBundleException {
        Map<String, Object> m = object(json(bytes, "manifest"), "manifest");
        String format = text(m, "format");
        if (!FORMAT.equals(format)) {
            throw format("manifest field 'format' is '" + format + "', this box reads " + FORMAT);
        }
        Object fsValue = m.get("files");
        if (!(fsValue instanceof List<?> fs)) {
            throw format("manifest field 'files' is missing or not a list");
        }
        List<PolicyFile> files = new ArrayList<>();
        Map<String, String> hashes = new LinkedHashMap<>();
        for (int i = 0; i < fs.size(); i++) {
            Map<String, Object> f = object(fs.get(i), "files[" + i + "]");
            String name = text(f, "name", "files[" + i + "]");
            byte[] content;
            try {
                content = Base64.getDecoder().decode(text(f, "content", "files[" + i + "]"));
            } catch (IllegalArgumentException e) {
                throw format("manifest field 'files[" + i + "].content' (" + name + ") is not base64: " + e.getMessage());
            }
            try {
                files.add(new PolicyFile(name, content));
            } catch (IllegalArgumentException e) {
                throw format("manifest field 'files[" + i + "].name': " + e.getMessage());
            }
            hashes.put(name, text(f, "sha256", "files[" + i + "]"));
        }
        Object serial = m.get("serial");
        if (!(serial instanceof Long s)) {
            throw format("manifest field 'serial' is missing or not an integer");
        }
        Instant issued;
        try {
            issued = Instant.parse(text(m, "issued_at"));
        } catch (DateTimeParseException e) {
            throw format("manifest field 'issued_at' is not an ISO-8601 instant: " + e.getParsedString());
        }
        try {
            PolicyManifest manifest = new PolicyManifest(text(m, "policy_name"), text(m, "policy_version"), s, issued,
                    PolicyScope.parse(text(m, "scope")), files);
            return new Parsed(manifest, hashes);
        } catch (IllegalArgumentException e) {
            throw format(e.getMessage());
        }
    }

    /**
     * A manifest as read, with the SHA-256 each file entry claims.
     *
     * @param manifest      the manifest
     * @param claimedHashes file name to the hex SHA-256 written in its entry
     */
    public record Parsed(PolicyManifest manifest, Map<String, String> claimedHashes) {
        public Parsed {
            claimedHashes = Map.copyOf(claimedHashes);
        }
    }

    /** Parses JSON bytes; malformed input is a FORMAT error naming the offset. */
    static Object json(byte[] bytes, String what) throws PolicyBundleException {
        try {
            return JsonValues.parse(new String(bytes, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw format(what + " is not valid JSON: " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object v, String what) throws PolicyBundleException {
        if (!(v instanceof Map<?, ?>)) {
            throw format(what + " is not a JSON object");
        }
        return (Map<String, Object>) v;
    }

    static String text(Map<String, Object> m, String field) throws PolicyBundleException {
        return text(m, field, null);
    }

    private static String text(Map<String, Object> m, String field, String within) throws PolicyBundleException {
        Object v = m.get(field);
        if (!(v instanceof String s)) {
            throw format("manifest field '" + (within == null ? "" : within + ".") + field + "' is missing or not a string");
        }
        return s;
    }

    static PolicyBundleException format(String message) {
        return new PolicyBundleException(PolicyBundleException.Check.FORMAT, message);
    }
}
