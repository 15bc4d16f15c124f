package cn.egov.manager.portal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The sites' content at the manager, addressed by SHA-256: {@code <dir>/blobs/<aa>/<sha256>}. A
 * file that is in many versions or sites is stored once; a new version stores only what changed.
 * Content is accepted only when its hash is the one it is stored under, written to a temporary
 * file first and moved into place, so a crash never leaves a wrong or partial blob under a hash.
 */
final class BlobStore {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final int BUFFER = 64 * 1024;

    private final Path blobs;

    BlobStore(Path dir) throws IOException {
        this.blobs = Files.createDirectories(dir.resolve("blobs"));
    }

    static boolean isSha256(String s) {
        return s != null && SHA256.matcher(s).matches();
    }

    Path path(String sha256) {
        if (!isSha256(sha256)) {
            throw new IllegalArgumentException("'" + sha256 + "' is not a SHA-256");
        }
        return blobs.resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    boolean has(String sha256) {
        return Files.isRegularFile(path(sha256));
    }

    long size(String sha256) throws IOException {
        return Files.size(path(sha256));
    }

    /**
     * Stores {@code content} under {@code sha256}.
     *
     * @return false when it was stored already (the content is not read)
     * @throws IOException for a hash mismatch or more than {@code maxBytes}, naming the blob; nothing is stored then
     */
    boolean put(String sha256, InputStream content, long maxBytes) throws IOException {
        Path target = path(sha256);
        if (Files.isRegularFile(target)) {
            return false;
        }
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), sha256.substring(0, 8), ".part");
        try {
            MessageDigest md = sha();
            long n = 0;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[BUFFER];
                for (int r; (r = content.read(buf)) > 0; ) {
                    n += r;
                    if (n > maxBytes) {
                        throw new IOException("content for " + sha256 + " is larger than " + maxBytes + " bytes");
                    }
                    md.update(buf, 0, r);
                    out.write(buf, 0, r);
                }
            }
            String actual = HexFormat.of().formatHex(md.digest());
            if (!actual.equals(sha256)) {
                throw new IOException("content sent as " + sha256 + " has SHA-256 " + actual);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Deletes a blob no kept version uses. */
    void delete(String sha256) throws IOException {
        Files.deleteIfExists(path(sha256));
    }

    static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
