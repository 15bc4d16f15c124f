package cn.egov.appliance.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code <data>/status.txt} current while the box runs, for {@code appliance status} and
 * for people: component states change without any event a file could wait for, so it is
 * re-rendered on a short period and rewritten (atomically) only when it changed.
 *
 * <p>The file's modification time is the box's heartbeat: every period it is rewritten or, when
 * nothing changed, touched. A file left by a box that died still says {@code healthy true};
 * {@link BoxLiveness} reads the heartbeat and the {@link RunLock} before believing it. The box's
 * pid, start time and version are its last lines.
 */
public final class StatusFile implements AutoCloseable {
    public static final String NAME = "status.txt";
    public static final long PERIOD_MS = 1000;
    public static final Duration PERIOD = Duration.ofMillis(PERIOD_MS);
    /**
     * Heartbeats a box may miss before {@code appliance status} reports it not responding: long
     * enough for a full GC or a loaded 2-core box, short enough for a technician waiting at it.
     */
    public static final int STALE_PERIODS = 10;
    public static final String PID = "pid";
    public static final String STARTED = "started";
    /** The box's version (the package's, which the launcher passes as {@code egov.firmware.version}). */
    public static final String VERSION = "version";
    private static final Logger LOG = LoggerFactory.getLogger(StatusFile.class);

    private final Path file;
    private final Supplier<RuntimeStatus> status;
    private final String process;
    private final ScheduledExecutorService timer;
    private String written = "";

    public StatusFile(Path file, Supplier<RuntimeStatus> status) {
        this.file = file;
        this.status = status;
        this.process = PID + " " + ProcessHandle.current().pid() + "\n" + STARTED + " " + Instant.now() + "\n"
                + VERSION + " " + System.getProperty(cn.egov.telemetry.mqtt.LifecyclePayloads.FIRMWARE_PROPERTY, "dev") + "\n";
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "status-file");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::refresh, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How old a heartbeat may be before the box counts as not responding. */
    public static Duration staleAfter() {
        return PERIOD.multipliedBy(STALE_PERIODS);
    }

    private synchronized void refresh() {
        try {
            String text = status.get().render() + process;
            if (text.equals(written)) {
                try {
                    Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
                    return;
                } catch (NoSuchFileException e) {
                    // someone removed it: write it again below
                }
            }
            Path tmp = file.resolveSibling(NAME + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            written = text;
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot write {}: {}", file, e.toString());
        }
    }

    @Override
    public void close() throws IOException {
        timer.shutdownNow();
        Files.deleteIfExists(file);
    }
}
