package cn.egov.portal.serve;

import cn.egov.portal.mirror.MirrorStore;
import cn.egov.portal.mirror.VerifiedBlobs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Content as it is served, checked on every read: a {@code stat} compares the file's stamp with
 * the one it had when its hash was last verified ({@link VerifiedBlobs}); a file never verified, or
 * changed since, is hashed before a byte of it is served. Verified small files are kept in memory
 * while there is room (bounded by bytes; nothing is evicted to make room, so a site larger than the
 * memory does not churn it: the rest is streamed from disk), and forgotten when no served snapshot
 * lists them any more ({@link #retain}).
 */
final class ContentCache {

    /**
     * The outcome of a read.
     *
     * @param buffer verified content in memory (direct, read-only: written to the socket without a copy), or null
     * @param file   verified content on disk, or null
     */
    record Read(VerifiedBlobs.State state, ByteBuffer buffer, Path file) {
        /** The content as bytes (a page to insert the banner into). */
        byte[] bytes() throws IOException {
            if (buffer != null) {
                byte[] b = new byte[buffer.remaining()];
                buffer.duplicate().get(b);
                return b;
            }
            return Files.readAllBytes(file);
        }
    }

    private record Entry(VerifiedBlobs.Stamp stamp, ByteBuffer buffer) {
    }

    private final MirrorStore store;
    private final VerifiedBlobs blobs;
    private final long maxBytes;
    private final long maxFileBytes;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();

    /**
     * @param maxBytes     memory for small files
     * @param maxFileBytes files up to this size are kept in memory
     */
    ContentCache(MirrorStore store, VerifiedBlobs blobs, long maxBytes, long maxFileBytes) {
        this.store = store;
        this.blobs = blobs;
        this.maxBytes = maxBytes;
        this.maxFileBytes = maxFileBytes;
    }

    /** Verified content of {@code sha256}: in memory ({@code bytes}), or on disk ({@code file}), or why not. */
    Read read(String sha256, long size) throws IOException {
        Path p = store.blob(sha256);
        VerifiedBlobs.Stamp now = VerifiedBlobs.stamp(p);
        if (now == null) {
            drop(sha256);
            blobs.forget(sha256);
            return new Read(VerifiedBlobs.State.MISSING, null, null);
        }
        Entry e = entries.get(sha256);
        if (e != null && e.stamp().equals(now)) {
            return new Read(VerifiedBlobs.State.OK, e.buffer().duplicate(), null);
        }
        drop(sha256);
        if (!now.equals(blobs.verifiedStamp(sha256))) {
            VerifiedBlobs.State s = blobs.check(sha256); // never verified, or changed since: hashed now
            if (s != VerifiedBlobs.State.OK) {
                return new Read(s, null, null);
            }
            now = VerifiedBlobs.stamp(p);
            if (now == null || !now.equals(blobs.verifiedStamp(sha256))) {
                return new Read(VerifiedBlobs.State.TAMPERED, null, null); // changed while it was hashed
            }
        }
        if (size > maxFileBytes || bytes.get() + size > maxBytes) {
            return new Read(VerifiedBlobs.State.OK, null, p);
        }
        byte[] b;
        try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
            b = in.readNBytes((int) size + 1);
        }
        // the stamp is the same after reading: the bytes read are the verified ones
        if (b.length != size || !now.equals(VerifiedBlobs.stamp(p))) {
            blobs.forget(sha256);
            return new Read(VerifiedBlobs.State.TAMPERED, null, null);
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(b.length).put(b).flip().asReadOnlyBuffer();
        if (entries.putIfAbsent(sha256, new Entry(now, direct)) == null) {
            bytes.addAndGet(b.length);
        }
        return new Read(VerifiedBlobs.State.OK, direct.duplicate(), null);
    }

    /** Forgets what no served snapshot lists (after a swap). */
    void retain(Set<String> served) {
        for (String sha : entries.keySet()) {
            if (!served.contains(sha)) {
                drop(sha);
            }
        }
    }

    void drop(String sha256) {
        Entry old = entries.remove(sha256);
        if (old != null) {
            bytes.addAndGet(-old.buffer().capacity());
        }
    }

    long bytes() {
        return bytes.get();
    }
}
