package cn.egov.portal.mirror;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a content file on the box's disk still has the hash it is named by, cheaply: the hash
 * is computed once and remembered with the file's stamp (size, mtime, ctime, inode); while a
 * {@code stat} shows the same stamp the file is taken as verified, otherwise it is hashed again.
 * ctime changes with every write and every {@code touch}, and cannot be set back by a program, so
 * an edit that restores size and mtime is still seen. Symbolic links are never followed: a link
 * planted in the content folder is "tampered", not read through.
 */
public final class VerifiedBlobs {

    /** What {@link #check} found. */
    public enum State {
        /** The file has its hash. */
        OK,
        /** The file is there but its content (or kind: a link, a directory) is not what its name says. */
        TAMPERED,
        /** No such file. */
        MISSING
    }

    /** File identity and change marks as {@code stat} gives them. */
    public record Stamp(long size, FileTime mtime, FileTime ctime, Object inode) {

        /** Written out: compared on every request, and a record's generated equals is slow on the box's C1-only JVM. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Stamp s && s.size == size && java.util.Objects.equals(s.mtime, mtime) && java.util.Objects.equals(s.ctime, ctime)
                    && java.util.Objects.equals(s.inode, inode);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(size) * 31 + java.util.Objects.hashCode(mtime);
        }
    }

    private static final String ATTRIBUTES = "unix:size,lastModifiedTime,ctime,ino,isRegularFile";
    private static final int BUFFER = 64 * 1024;

    private final MirrorStore store;
    private final Map<String, Stamp> verified = new ConcurrentHashMap<>();

    public VerifiedBlobs(MirrorStore store) {
        this.store = store;
    }

    /** The file's stamp, or null when it is missing or not a regular file. */
    public static Stamp stamp(Path p) throws IOException {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(p, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (!Boolean.TRUE.equals(a.get("isRegularFile"))) {
            return new Stamp(-1, null, null, null);
        }
        return new Stamp((Long) a.get("size"), (FileTime) a.get("lastModifiedTime"), (FileTime) a.get("ctime"), a.get("ino"));
    }

    /** Checks one content file: by its stamp when it was verified before, else by hashing it. */
    public State check(String sha256) throws IOException {
        Path p = store.blob(sha256);
        Stamp s = stamp(p);
        if (s == null) {
            verified.remove(sha256);
            return State.MISSING;
        }
        if (s.equals(verified.get(sha256))) {
            return State.OK;
        }
        return rehash(sha256, p, s);
    }

    /** Hashes the file again whatever its stamp (the scheduled scan: also finds bit rot). */
    public State rehash(String sha256) throws IOException {
        Path p = store.blob(sha256);
        Stamp s = stamp(p);
        if (s == null) {
            verified.remove(sha256);
            return State.MISSING;
        }
        return rehash(sha256, p, s);
    }

    private State rehash(String sha256, Path p, Stamp before) throws IOException {
        if (before.size() < 0) {
            verified.remove(sha256);
            return State.TAMPERED;
        }
        String actual = hash(p);
        Stamp after = stamp(p);
        if (actual.equals(sha256) && before.equals(after)) {
            verified.put(sha256, before);
            return State.OK;
        }
        verified.remove(sha256);
        return actual.equals(sha256) ? State.OK : State.TAMPERED;
    }

    /** Remembers a file that was just verified while it was written (a fetch). */
    public void trust(String sha256) throws IOException {
        Stamp s = stamp(store.blob(sha256));
        if (s != null && s.size() >= 0) {
            verified.put(sha256, s);
        }
    }

    /** The stamp remembered for a verified file, or null. */
    public Stamp verifiedStamp(String sha256) {
        return verified.get(sha256);
    }

    public void forget(String sha256) {
        verified.remove(sha256);
    }

    static String hash(Path p) throws IOException {
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buf = new byte[BUFFER];
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
