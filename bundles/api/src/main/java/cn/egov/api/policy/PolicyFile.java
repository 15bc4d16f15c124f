package cn.egov.api.policy;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One file of a signed policy: its name and exact bytes. Names are plain file names ending in
 * {@code .policy} (no directories, no leading dot), because the box writes them to disk.
 *
 * @param name    e.g. {@code 10-zones.policy}
 * @param content the file's bytes (UTF-8 policy text)
 */
public record PolicyFile(String name, byte[] content) {

    /** Letters, digits, dot, dash and underscore; not starting with a dot; ending in {@code .policy}. */
    static final String NAME_PATTERN = "[A-Za-z0-9_-][A-Za-z0-9._-]{0,120}\\.policy";

    public PolicyFile {
        if (name == null || !name.matches(NAME_PATTERN)) {
            throw new IllegalArgumentException("policy file name '" + name + "' is not a plain *.policy file name ("
                    + NAME_PATTERN + ")");
        }
        if (content == null) {
            throw new IllegalArgumentException("policy file " + name + " has no content");
        }
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    /** Lower-case hex SHA-256 of the content. */
    public String sha256() {
        return sha256(content);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolicyFile f && f.name.equals(name) && Arrays.equals(f.content, content);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(content);
    }

    @Override
    public String toString() {
        return name + " (" + content.length + " bytes, sha256 " + sha256().substring(0, 12) + ")";
    }
}
