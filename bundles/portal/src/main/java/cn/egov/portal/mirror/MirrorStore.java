package cn.egov.portal.mirror;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The box's copy of its sites on disk, laid out so that a swap is one atomic rename and a crash at
 * any moment leaves a snapshot that was complete and verified:
 * <pre>
 * &lt;state&gt;/blobs/&lt;aa&gt;/&lt;sha256&gt;            content, stored once, read-only, named by its hash
 * &lt;state&gt;/sites/&lt;site&gt;/&lt;version&gt;.snapshot  a signed snapshot whose content is all in blobs/
 * &lt;state&gt;/sites/&lt;site&gt;/current                the version served ("7\n"), replaced by rename
 * &lt;state&gt;/sites/&lt;site&gt;/floor                  the highest version ever accepted: nothing older is taken again
 * &lt;state&gt;/staging/                           content being fetched (never served)
 * </pre>
 * The order of a commit: every blob in place (forced, renamed, its folder forced), then the snapshot
 * file, then {@code current}, then {@code floor}; each written to a temporary file, forced to disk,
 * renamed and its folder forced.
 */
public final class MirrorStore {

    private static final Pattern SITE = Pattern.compile("[a-z0-9.-]{1,253}");
    private static final String SUFFIX = ".snapshot";

    private final Path root;
    private final Path blobs;
    private final Path sites;
    private final Path staging;

    public MirrorStore(Path root) throws IOException {
        this.root = root;
        this.blobs = Files.createDirectories(root.resolve("blobs"));
        this.sites = Files.createDirectories(root.resolve("sites"));
        this.staging = Files.createDirectories(root.resolve("staging"));
    }

    public Path root() {
        return root;
    }

    public Path blob(String sha256) {
        return blobs.resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    Path staging() {
        return staging;
    }

    private Path siteDir(String site) {
        if (!SITE.matcher(site).matches()) {
            throw new IllegalArgumentException("'" + site + "' is not a site name");
        }
        return sites.resolve(site);
    }

    /** Sites with a snapshot on disk. */
    public List<String> sites() throws IOException {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> d = Files.newDirectoryStream(sites)) {
            for (Path p : d) {
                if (Files.isDirectory(p) && SITE.matcher(p.getFileName().toString()).matches()) {
                    out.add(p.getFileName().toString());
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** Kept versions of a site, newest first. */
    public List<Long> versions(String site) throws IOException {
        Path dir = siteDir(site);
        List<Long> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> d = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path p : d) {
                String n = p.getFileName().toString();
                try {
                    out.add(Long.parseLong(n.substring(0, n.length() - SUFFIX.length())));
                } catch (NumberFormatException e) {
                    // not ours: left alone
                }
            }
        }
        out.sort(Comparator.reverseOrder());
        return out;
    }

    public byte[] snapshot(String site, long version) throws IOException {
        return Files.readAllBytes(siteDir(site).resolve(version + SUFFIX));
    }

    /** The version served, 0 when none. */
    public long current(String site) throws IOException {
        return number(siteDir(site).resolve("current"));
    }

    /** The highest version ever accepted, 0 when none. */
    public long floor(String site) throws IOException {
        return Math.max(number(siteDir(site).resolve("floor")), current(site));
    }

    private static long number(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        String s = Files.readString(file, StandardCharsets.US_ASCII).strip();
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IOException(file + " holds '" + s + "', not a version");
        }
    }

    /** Stores a verified snapshot whose content is all in place. Not served yet. */
    public void keep(String site, long version, byte[] envelope) throws IOException {
        Path dir = Files.createDirectories(siteDir(site));
        write(dir.resolve(version + SUFFIX), envelope);
    }

    /**
     * Points {@code current} at a kept version (the swap), then raises the floor to it when it is
     * newer. In this order a crash between the two leaves nothing stuck: {@link #floor} counts
     * {@code current} too; had the floor been raised first, a crash before the swap would leave the
     * new version kept but unserved and below the floor, never fetched again.
     */
    public void serve(String site, long version) throws IOException {
        Path dir = siteDir(site);
        if (!Files.exists(dir.resolve(version + SUFFIX))) {
            throw new IOException("site " + site + " has no kept version " + version);
        }
        write(dir.resolve("current"), (version + "\n").getBytes(StandardCharsets.US_ASCII));
        if (version > number(dir.resolve("floor"))) {
            write(dir.resolve("floor"), (version + "\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Forgets kept versions beyond the newest {@code keep} (never the one served). */
    public void prune(String site, int keep) throws IOException {
        long served = current(site);
        List<Long> vs = versions(site);
        for (int i = keep; i < vs.size(); i++) {
            if (vs.get(i) != served) {
                Files.deleteIfExists(siteDir(site).resolve(vs.get(i) + SUFFIX));
            }
        }
    }

    /** Deletes content no kept snapshot lists ({@code inUse}), and leftovers of interrupted fetches. */
    public int collect(Set<String> inUse) throws IOException {
        int deleted = 0;
        try (Stream<Path> s = Files.walk(blobs, 2)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                if (!inUse.contains(p.getFileName().toString())) {
                    Files.deleteIfExists(p);
                    deleted++;
                }
            }
        }
        try (Stream<Path> s = Files.list(staging)) {
            for (Path p : s.toList()) {
                Files.deleteIfExists(p);
            }
        }
        return deleted;
    }

    /**
     * Moves staged, verified files into the content store under their hashes (read-only), each forced
     * to disk before it is renamed there and the folders forced after: whatever is in {@code blobs/}
     * is on disk, so a crash at any moment leaves no snapshot referring to content that a power cut
     * could lose. The fsyncs run many at once ({@code pool}): concurrent fsyncs share the file
     * system's journal commits (one at a time, a 100 MB site of 1,000 files took 22 s here, mostly
     * waiting for them). Only the files given are forced, never the rest of the store.
     */
    void adopt(Map<String, Path> staged, ExecutorService pool) throws IOException {
        all(staged.values(), pool, p -> {
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        });
        Set<Path> folders = new HashSet<>();
        for (Map.Entry<String, Path> e : staged.entrySet()) {
            Path target = blob(e.getKey());
            folders.add(Files.createDirectories(target.getParent()));
            e.getValue().toFile().setReadOnly();
            Files.move(e.getValue(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        all(folders, pool, MirrorStore::forceFolder);
    }

    private interface FileAction {
        void on(Path p) throws IOException;
    }

    private static void all(Collection<Path> paths, ExecutorService pool, FileAction action) throws IOException {
        List<Future<?>> done = new ArrayList<>();
        for (Path p : paths) {
            done.add(pool.submit(() -> {
                action.on(p);
                return null;
            }));
        }
        IOException failed = null;
        for (Future<?> f : done) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failed == null) {
                    failed = e.getCause() instanceof java.nio.channels.ClosedByInterruptException
                            ? new java.io.InterruptedIOException("interrupted forcing content to disk (stopping)")
                            : new IOException("cannot force content to disk: " + e.getCause().getMessage(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed = new java.io.InterruptedIOException("interrupted forcing content to disk (stopping)");
                break;
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** A rename is on disk only once its folder is: fsync of the directory (Linux allows it read-only). */
    private static void forceFolder(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Every site's kept versions, for what content is in use. */
    public Set<String> sitesWithVersions() throws IOException {
        return new TreeSet<>(sites());
    }

    public Optional<Long> newestKept(String site) throws IOException {
        return versions(site).stream().findFirst();
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes));
            ch.force(true); // on disk before it replaces the old one: a power cut leaves one or the other
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceFolder(file.getParent());
    }
}
