package cn.egov.portal.serve;

import cn.egov.portal.mirror.MirrorStore;
import cn.egov.portal.mirror.VerifiedBlobs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Content as it is served, checked on every read: a {@code stat} compares the file's stamp with
 * the one it had when it was last verified; a change means it is read and hashed again before a
 * byte of it is served. Small files are kept in memory (bounded by bytes) as the bytes that were
 * verified, so a hit costs one {@code stat}; larger files are streamed from disk after the check.
 */
final class ContentCache {

    /** The outcome of a read. */
    record Read(VerifiedBlobs.State state, byte[] bytes, Path file) {
    }

    private record Entry(VerifiedBlobs.Stamp stamp, byte[] bytes) {
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
            return new Read(VerifiedBlobs.State.OK, e.bytes(), null);
        }
        if (size > maxFileBytes || now.size() < 0) {
            VerifiedBlobs.State s = blobs.check(sha256);
            return new Read(s, null, s == VerifiedBlobs.State.OK ? p : null);
        }
        byte[] b;
        try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
            b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, size + 1));
        }
        if (!HexFormat.of().formatHex(VerifiedBlobs.sha256().digest(b)).equals(sha256)) {
            drop(sha256);
            blobs.forget(sha256);
            return new Read(VerifiedBlobs.State.TAMPERED, null, null);
        }
        // the bytes read have the hash: serve them; remember them only when the file did not change meanwhile
        if (now.equals(VerifiedBlobs.stamp(p))) {
            put(sha256, new Entry(now, b));
        }
        return new Read(VerifiedBlobs.State.OK, b, null);
    }

    private void put(String sha256, Entry e) {
        Entry old = entries.put(sha256, e);
        bytes.addAndGet(e.bytes().length - (old == null ? 0 : old.bytes().length));
        // over budget: evict whatever comes first; a site's hot pages are read again at once
        Iterator<String> it = entries.keySet().iterator();
        while (bytes.get() > maxBytes && it.hasNext()) {
            drop(it.next());
        }
    }

    void drop(String sha256) {
        Entry old = entries.remove(sha256);
        if (old != null) {
            bytes.addAndGet(-old.bytes().length);
        }
    }

    long bytes() {
        return bytes.get();
    }
}
