package cn.egov.manager.update;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where the manager keeps the signed update files it serves to boxes: {@code <dir>/<serial>.update}
 * ({@code update.dir}, default {@code <data.dir>/updates}); {@code manager update sign} puts each there.
 */
public final class UpdateFiles {

    private final Path dir;

    public UpdateFiles(Path dir) {
        this.dir = dir;
    }

    public Path path(long serial) {
        return dir.resolve(serial + ".update");
    }

    /** Stores update {@code serial} (temporary file, then renamed: a box never reads half a file). */
    public Path store(long serial, byte[] update) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(serial + ".update.tmp");
        Files.write(tmp, update);
        return Files.move(tmp, path(serial), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The file's SHA-256 and size as the boxes will read it. */
    public record Digest(String sha256, long size) {
    }

    public Digest digest(long serial) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JRE", e);
        }
        long size;
        try (InputStream in = new DigestInputStream(Files.newInputStream(path(serial)), md)) {
            size = in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return new Digest(HexFormat.of().formatHex(md.digest()), size);
    }
}
