package cn.egov.appliance.launch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code <data>/box.lock}: held (an exclusive {@code fcntl} lock) by the running box for as long
 * as its process lives. The kernel drops the lock when the process dies, however it dies
 * ({@code kill -9}, power loss of a container), which a status file cannot tell: this is how
 * {@code appliance status} knows a box is gone, and how a second box on the same data directory
 * is refused. The file holds the pid of the box that last held it; it is never deleted (deleting
 * a lock file lets two processes lock two different files).
 */
public final class RunLock implements AutoCloseable {
    public static final String NAME = "box.lock";
    /**
     * {@code appliance status} takes a shared lock for an instant to test the box's; a box
     * starting in that instant tries again rather than reporting another box.
     */
    static final Duration ACQUIRE_PATIENCE = Duration.ofSeconds(2);
    private static final Duration RETRY = Duration.ofMillis(50);

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code dataDir} for this process, or says which process has it. */
    public static RunLock acquire(Path dataDir) throws LaunchException {
        Path file = dataDir.resolve(NAME);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new LaunchException("data directory " + dataDir + ": cannot open the lock file " + file + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
        try {
            FileLock lock = tryLock(channel);
            if (lock == null) {
                String holder = holder(channel);
                channel.close();
                throw new LaunchException("data directory " + dataDir + " is in use by another box" + holder
                        + ": stop it first, or give this one its own --data");
            }
            byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(pid), 0);
            return new RunLock(channel, lock);
        } catch (IOException e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new LaunchException("data directory " + dataDir + ": cannot lock " + file + " (" + e.getMessage() + ")", e);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        long deadline = System.nanoTime() + ACQUIRE_PATIENCE.toNanos();
        while (true) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                return null; // a box in this JVM holds it
            }
            if (lock != null || System.nanoTime() > deadline) {
                return lock;
            }
            try {
                Thread.sleep(RETRY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
            return pid.isEmpty() ? "" : " (process " + pid + ")";
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Whether a running box holds the lock of {@code dataDir}; empty when that cannot be told
     * (no lock file, or not readable by this user), and the caller falls back to the pid.
     *
     * <p>Meant for another process than the box ({@code appliance status}): POSIX record locks
     * belong to the process, and closing any channel on the file may drop them all (see
     * {@link FileLock}), so the box itself never opens its lock file a second time.
     */
    public static Optional<Boolean> held(Path dataDir) {
        Path file = dataDir.resolve(NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        // shared: needs only read access, so an operator who may read the data directory can ask
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            FileLock probe = channel.tryLock(0, Long.MAX_VALUE, true);
            if (probe == null) {
                return Optional.of(true);
            }
            probe.release();
            return Optional.of(false);
        } catch (OverlappingFileLockException e) {
            return Optional.of(true); // the box runs in this JVM
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
