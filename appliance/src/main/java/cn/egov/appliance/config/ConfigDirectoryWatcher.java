package cn.egov.appliance.config;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-applies the configuration directory when a file in it changes, so that a running component
 * is reconfigured without a restart. Editors save in bursts (temporary file, rename, attribute
 * change): we wait until the directory has been quiet for a moment and then read it once.
 */
public final class ConfigDirectoryWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigDirectoryWatcher.class);
    /** Long enough to cover an editor's save sequence, short enough to feel immediate. */
    public static final Duration QUIET_PERIOD = Duration.ofMillis(300);

    private final ConfigDirectory directory;
    private final Consumer<ApplyReport> listener;
    private final WatchService watchService;
    private final Thread thread;

    public ConfigDirectoryWatcher(ConfigDirectory directory, Consumer<ApplyReport> listener) throws IOException {
        this.directory = directory;
        this.listener = listener;
        this.watchService = FileSystems.getDefault().newWatchService();
        directory.directory().register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = new Thread(this::loop, "config-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (true) {
                drain(watchService.take());
                WatchKey more;
                while ((more = watchService.poll(QUIET_PERIOD.toMillis(), TimeUnit.MILLISECONDS)) != null) {
                    drain(more);
                }
                try {
                    listener.accept(directory.apply());
                } catch (IOException | RuntimeException e) {
                    LOG.error("cannot read configuration directory {}: {}", directory.directory(), e.toString());
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    @Override
    public void close() throws IOException {
        watchService.close();
        thread.interrupt();
    }
}
