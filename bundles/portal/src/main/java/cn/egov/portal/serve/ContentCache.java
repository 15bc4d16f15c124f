package cn.egov.portal.serve;

import cn.egov.portal.mirror.MirrorStore;
import cn.egov.portal.mirror.VerifiedBlobs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Content as it is served, checked on every read: a {@code stat} compares the file's stamp with
 * the one it had when its hash was last verified ({@link VerifiedBlobs}); a file never verified, or
 * changed since, is hashed before a byte of it is served.
 *
 * <p>A verified file is served from a read-only memory mapping of it (as Jetty's own static content
 * once was): the socket is written from the page cache with no copy into the JVM, the content costs
 * no heap and no direct memory, and the kernel shares it with everything else that reads the file.
 * Up to {@code maxFiles} mappings are kept (address space, not memory); beyond that files are mapped
 * per request. A mapping is dropped when its file's stamp changes and when no served snapshot lists
 * it any more ({@link #retain}). Its bytes are never read by Java code (a truncated file would be a
 * fault there; a socket write just fails): a page that needs the banner is read from the file.
 */
final class ContentCache {

    /**
     * The outcome of a read.
     *
     * @param buffer the verified content (read-only mapping), or null when it is not OK
     * @param file   where it is
     */
    record Read(VerifiedBlobs.State state, ByteBuffer buffer, Path file) {
        /** The content as bytes (a page to insert the banner into), read from the file and checked against the verified length. */
        byte[] bytes() throws IOException {
            byte[] b = Files.readAllBytes(file);
            if (b.length != buffer.capacity()) {
                throw new IOException(file + " changed while it was read");
            }
            return b;
        }
    }

    private record Entry(VerifiedBlobs.Stamp stamp, MappedByteBuffer buffer) {
    }

    private final MirrorStore store;
    private final VerifiedBlobs blobs;
    private final int maxFiles;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    /** @param maxFiles mappings kept */
    ContentCache(MirrorStore store, VerifiedBlobs blobs, int maxFiles) {
        this.store = store;
        this.blobs = blobs;
        this.maxFiles = maxFiles;
    }

    /** Where the content named {@code sha256} is (worked out once per file by the caller, not per request). */
    Path blob(String sha256) {
        return store.blob(sha256);
    }

    /**
     * The kept mapping of {@code sha256} when its file's stamp is still the verified one (a {@code stat}
     * and nothing else, safe on a selector thread); null when {@link #read} must find out.
     */
    ByteBuffer kept(String sha256, Path p) throws IOException {
        Entry e = entries.get(sha256);
        return e != null && e.stamp().equals(VerifiedBlobs.stamp(p)) ? e.buffer().duplicate() : null;
    }

    /** Verified content of {@code sha256}, stored at {@code p} ({@link #blob}), or why not (may hash the file: blocking). */
    Read read(String sha256, long size, Path p) throws IOException {
        VerifiedBlobs.Stamp now = VerifiedBlobs.stamp(p);
        if (now == null) {
            entries.remove(sha256);
            blobs.forget(sha256);
            return new Read(VerifiedBlobs.State.MISSING, null, p);
        }
        Entry e = entries.get(sha256);
        if (e != null && e.stamp().equals(now)) {
            return new Read(VerifiedBlobs.State.OK, e.buffer().duplicate(), p);
        }
        entries.remove(sha256);
        if (!now.equals(blobs.verifiedStamp(sha256))) {
            VerifiedBlobs.State s = blobs.check(sha256); // never verified, or changed since: hashed now
            if (s != VerifiedBlobs.State.OK) {
                return new Read(s, null, p);
            }
            now = VerifiedBlobs.stamp(p);
            if (now == null || !now.equals(blobs.verifiedStamp(sha256))) {
                return new Read(VerifiedBlobs.State.TAMPERED, null, p); // changed while it was hashed
            }
        }
        MappedByteBuffer mapped;
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            if (ch.size() != size) {
                blobs.forget(sha256);
                return new Read(VerifiedBlobs.State.TAMPERED, null, p);
            }
            mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        // the stamp is the same after mapping: the mapping is of the verified file
        if (!now.equals(VerifiedBlobs.stamp(p))) {
            blobs.forget(sha256);
            return new Read(VerifiedBlobs.State.TAMPERED, null, p);
        }
        if (entries.size() < maxFiles) {
            entries.put(sha256, new Entry(now, mapped));
        }
        return new Read(VerifiedBlobs.State.OK, mapped.duplicate(), p);
    }

    /** Forgets what no served snapshot lists (after a swap). */
    void retain(Set<String> served) {
        entries.keySet().removeIf(sha -> !served.contains(sha));
    }

    int size() {
        return entries.size();
    }
}
