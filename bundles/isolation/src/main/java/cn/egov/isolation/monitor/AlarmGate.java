package cn.egov.isolation.monitor;

import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.TelemetryPublisher;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Between the classifier and telemetry: a token bucket limits alarms per second (a scan or a
 * misconfigured host makes thousands of flows), and a bounded queue hands them to a publisher
 * thread so that a slow outbox never stalls capture. What the bucket refuses or the full queue
 * cannot take is counted ({@link #suppressed()}, {@link #queueDropped()}) and summed up in one
 * {@code isolation.alarms-suppressed} alarm per summary interval.
 */
public final class AlarmGate implements FindingSink, AutoCloseable {

    public static final String SUPPRESSED_KIND = "isolation.alarms-suppressed";
    public static final String OVERFLOW_KIND = "isolation.monitor-table-overflow";
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final TelemetryPublisher telemetry;
    private final double tokensPerNano;
    private final double burst;
    private final long summaryIntervalNanos;
    private final LongSupplier clock;
    private final BlockingQueue<Alarm> queue;
    private final Thread publisher;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong suppressed = new AtomicLong();
    private final AtomicLong queueDropped = new AtomicLong();
    private final AtomicLong found = new AtomicLong();
    private final AtomicLong tableOverflows = new AtomicLong();
    private double tokens;
    private long lastRefill;
    private long lastSummary;
    private long suppressedSinceSummary;
    private volatile boolean closed;

    /**
     * @param alarmsPerSecond sustained alarm rate
     * @param burst           alarms allowed at once after a quiet period
     * @param queueCapacity   alarms waiting for the publisher at most
     * @param summaryInterval seconds between two "suppressed" summary alarms at most
     * @param clock           nanosecond clock ({@code System::nanoTime})
     */
    public AlarmGate(TelemetryPublisher telemetry, double alarmsPerSecond, int burst, int queueCapacity,
                     int summaryInterval, LongSupplier clock) {
        if (alarmsPerSecond <= 0 || burst < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("alarm rate, burst and queue capacity must be positive");
        }
        this.telemetry = telemetry;
        this.tokensPerNano = alarmsPerSecond / NANOS_PER_SECOND;
        this.burst = burst;
        this.tokens = burst;
        this.summaryIntervalNanos = summaryInterval * NANOS_PER_SECOND;
        this.clock = clock;
        this.lastRefill = clock.getAsLong();
        this.lastSummary = lastRefill - summaryIntervalNanos;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.publisher = new Thread(this::publish, "isolation-alarms");
        this.publisher.setDaemon(true);
        this.publisher.start();
    }

    @Override
    public synchronized void found(int number, Finding finding) {
        found.incrementAndGet();
        long now = clock.getAsLong();
        tokens = Math.min(burst, tokens + (now - lastRefill) * tokensPerNano);
        lastRefill = now;
        if (tokens >= 1) {
            tokens -= 1;
            offer(finding.toAlarm());
        } else {
            suppressed.incrementAndGet();
            suppressedSinceSummary++;
        }
        summarise(now);
    }

    @Override
    public synchronized void tableOverflow(String table, long overflows) {
        tableOverflows.incrementAndGet();
        offer(new Alarm(OVERFLOW_KIND, Alarm.Severity.WARNING, "isolation",
                "the monitor's " + table + " table was full and was cleared; flows may be reported again",
                Map.of("table", table, "overflows", Long.toString(overflows)), System.currentTimeMillis()));
    }

    private void summarise(long now) {
        if (suppressedSinceSummary > 0 && now - lastSummary >= summaryIntervalNanos) {
            // bypasses the bucket, but at most one per interval
            offer(new Alarm(SUPPRESSED_KIND, Alarm.Severity.WARNING, "isolation",
                    "more violations than the alarm rate allows; the rest are counted only",
                    Map.of("suppressed", Long.toString(suppressedSinceSummary),
                            "suppressed_total", Long.toString(suppressed.get()),
                            "queue_dropped_total", Long.toString(queueDropped.get())),
                    System.currentTimeMillis()));
            suppressedSinceSummary = 0;
            lastSummary = now;
        }
    }

    private void offer(Alarm alarm) {
        if (!queue.offer(alarm)) {
            queueDropped.incrementAndGet();
            suppressedSinceSummary++;
        }
    }

    private void publish() {
        while (!closed || !queue.isEmpty()) {
            try {
                Alarm a = queue.poll(100, TimeUnit.MILLISECONDS);
                if (a != null) {
                    telemetry.alarm(a);
                    published.incrementAndGet();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // the outbox refused: counted; the capture goes on
                queueDropped.incrementAndGet();
            }
        }
    }

    /** Distinct violating flows the classifier found. */
    public long found() {
        return found.get();
    }

    /** How often a bounded table of the classifier (flows, MACs) filled up and was cleared. */
    public long tableOverflows() {
        return tableOverflows.get();
    }

    public long published() {
        return published.get();
    }

    /** Findings not raised as alarms because of the rate limit. */
    public long suppressed() {
        return suppressed.get();
    }

    /** Alarms lost because the queue to the publisher was full (or the outbox refused them). */
    public long queueDropped() {
        return queueDropped.get();
    }

    public int queueDepth() {
        return queue.size();
    }

    /** Publishes what is queued, then stops the publisher thread. */
    @Override
    public void close() {
        closed = true;
        try {
            publisher.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
