package cn.egov.telemetry.health;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.Priority;
import cn.egov.api.telemetry.TelemetryPublisher;
import cn.egov.telemetry.outbox.DurableOutbox;
import cn.egov.telemetry.outbox.OutboxStats;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@code <account>/<client-id>/HEALTH/status} every interval at {@link Priority#HEALTH}:
 * uptime, heap, CPU load, free disk where the outbox lives, and the outbox's depth, evictions and
 * sent count. Health goes through the outbox like everything else, so a backlog keeps its history.
 */
public final class HealthReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthReporter.class);

    private final TelemetryPublisher publisher;
    private final DurableOutbox outbox;
    private final Duration interval;
    private final ScheduledExecutorService timer;

    public HealthReporter(TelemetryPublisher publisher, DurableOutbox outbox, Duration interval) {
        this.publisher = publisher;
        this.outbox = outbox;
        this.interval = interval;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "telemetry-health");
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        long ms = interval.toMillis();
        timer.scheduleAtFixedRate(this::reportSafely, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void reportSafely() {
        try {
            publisher.publish(BoxMetrics.HEALTH_APP, BoxMetrics.HEALTH_RESOURCE, sample(), Priority.HEALTH);
        } catch (RuntimeException e) {
            LOG.error("cannot queue health report", e);
        }
    }

    /** One health sample. */
    public KuraPayload sample() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        OutboxStats stats = outbox.stats();
        // Load average per core: portable (no com.sun.management import, which OSGi would not resolve).
        double load = os.getSystemLoadAverage() < 0 ? -1.0 : os.getSystemLoadAverage() / os.getAvailableProcessors();
        return KuraPayload.builder()
                .timestamp(System.currentTimeMillis())
                .metric(BoxMetrics.UPTIME, ManagementFactory.getRuntimeMXBean().getUptime())
                .metric(BoxMetrics.HEAP_USED_BYTES, heap.getUsed())
                .metric(BoxMetrics.HEAP_MAX_BYTES, heap.getMax())
                .metric(BoxMetrics.CPU_LOAD, load)
                .metric(BoxMetrics.DISK_FREE_BYTES, diskFree(outbox.settings().path().toAbsolutePath()))
                .metric(BoxMetrics.OUTBOX_DEPTH, stats.depth())
                .metric(BoxMetrics.OUTBOX_EVICTED, stats.evicted())
                .metric(BoxMetrics.OUTBOX_SENT, stats.sent())
                .metric(BoxMetrics.OUTBOX_CAPACITY, (long) stats.capacity())
                .build();
    }

    private static long diskFree(Path path) {
        try {
            Path dir = Files.isDirectory(path) ? path : path.getParent();
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
