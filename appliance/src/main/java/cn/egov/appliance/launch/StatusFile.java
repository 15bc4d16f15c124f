package cn.egov.appliance.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
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
 */
public final class StatusFile implements AutoCloseable {
    public static final String NAME = "status.txt";
    public static final Duration PERIOD = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(StatusFile.class);

    private final Path file;
    private final Supplier<RuntimeStatus> status;
    private final ScheduledExecutorService timer;
    private String written = "";

    public StatusFile(Path file, Supplier<RuntimeStatus> status) {
        this.file = file;
        this.status = status;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "status-file");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::refresh, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void refresh() {
        try {
            String text = status.get().render();
            if (!text.equals(written)) {
                Path tmp = file.resolveSibling(NAME + ".tmp");
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                written = text;
            }
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
