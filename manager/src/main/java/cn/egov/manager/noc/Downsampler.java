package cn.egov.manager.noc;

import cn.egov.api.telemetry.Alarm;
import cn.egov.manager.ingest.IngestKind;
import cn.egov.manager.ingest.IngestRecord;
import cn.egov.manager.ingest.TelemetryListener;
import cn.egov.manager.noc.store.Resolution;
import cn.egov.manager.noc.store.Sample;
import cn.egov.manager.noc.store.SeriesStore;
import cn.egov.manager.store.AlarmStore;
import cn.egov.manager.store.Database;
import cn.egov.manager.store.MetricsJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the health series from ingestion. As a {@link TelemetryListener} it runs on the ingest
 * writer's thread, so it only picks the configured figures out of each stored health message and
 * offers them to a bounded queue; its own thread folds what waits into buckets
 * ({@link SeriesStore#add}, one transaction per batch) and deletes buckets past their retention.
 * A full queue drops the sample from the series only (the store keeps every health message),
 * counts it and raises {@value #DROPPED_ALARM} at most once per interval: ingestion is never slowed
 * by the graphs.
 *
 * <p>The time of a sample is the box's own timestamp (a backlog sent after an outage lands in the
 * buckets of when it was measured), unless it is missing or more than {@link #FUTURE_SLACK_MS} ahead
 * of the manager's clock, then the time the manager received it. Samples older than the hour
 * buckets' retention are not bucketed.
 */
final class Downsampler implements TelemetryListener, AutoCloseable {

    static final String DROPPED_ALARM = "noc.series.dropped";
    /** A box clock this far ahead is wrong; its samples are placed at their arrival instead. */
    static final long FUTURE_SLACK_MS = 5 * 60_000L;
    private static final Logger LOG = LoggerFactory.getLogger(Downsampler.class);
    private static final Sample STOP = new Sample("", 0, 0, Map.of());

    private final SeriesStore store;
    private final Database database;
    private final SeriesSettings settings;
    private final AlarmStore alarms;
    private final Clock clock;
    private final BlockingQueue<Sample> queue;
    final LongAdder offered = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder bucketed = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder trimmed = new LongAdder();
    private long droppedAlarmed;
    private long lastAlarm = Long.MIN_VALUE;
    private long lastTrim = Long.MIN_VALUE;
    private Thread thread;
    /** Called after each replayed page is written (with its end): tests look at the store between pages. */
    java.util.function.LongConsumer afterPage = end -> { };
    /** What the start's replay bucketed: the queue's copies of it are left out. */
    private volatile Replayed replayed = new Replayed(0, Long.MIN_VALUE, java.util.Set.of());

    /** @param database the shell's store, whose health messages are replayed after a crash */
    Downsampler(SeriesStore store, Database database, SeriesSettings settings, AlarmStore alarms, Clock clock) {
        this.store = store;
        this.database = database;
        this.settings = settings;
        this.alarms = alarms;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(settings.queue());
    }

    @Override
    public void onStored(IngestRecord.Decoded message) {
        if (message.kind() != IngestKind.HEALTH) {
            return;
        }
        Sample s = sample(message.unit().toString(), message.payload().timestamp(), message.raw().received(), message.payload().metrics());
        if (s == null) {
            return;
        }
        offered.increment();
        if (!queue.offer(s)) {
            dropped.increment();
        }
    }

    /** The configured figures of one health message, or null when it has none or is too old. */
    Sample sample(String clientId, Long timestamp, long received, Map<String, Object> metrics) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (String name : settings.metrics()) {
            if (metrics.get(name) instanceof Number n) {
                values.put(name, n.doubleValue());
            }
        }
        long time = timestamp == null || timestamp > received + FUTURE_SLACK_MS ? received : timestamp;
        if (values.isEmpty() || time < received - settings.hourRetention().toMillis()) {
            return null;
        }
        return new Sample(clientId, time, received, values);
    }

    /**
     * Puts the health messages stored after the replay mark into the series, then starts the
     * thread. Register the listener first: what it queues meanwhile and the replay also read is left
     * out (by arrival time: ingestion commits in arrival order, so everything that arrived up to the
     * newest message replayed was committed before the replay read it). Without a mark (the part's
     * first start) the mark is this process's start: what ingestion stored before the part's listener
     * was registered is bucketed, older history is not.
     *
     * @param processStart when this manager process started (ms since the epoch)
     */
    void start(long processStart) throws SQLException {
        java.util.OptionalLong mark = store.mark();
        long from = mark.isPresent() ? mark.getAsLong() : processStart;
        if (mark.isEmpty()) {
            store.startMark(from);
        }
        Replayed r = replay(from);
        if (r.messages() > 0) {
            LOG.info("noc: {} health messages stored before the series' thread ran put into the series", r.messages());
        }
        replayed = r;
        thread = new Thread(this::run, "noc-downsampler");
        thread.setDaemon(true);
        thread.start();
    }

    /** What the start's replay read: how many messages, the newest arrival, and the messages of that millisecond. */
    private record Replayed(long messages, long upTo, java.util.Set<String> atUpTo) {
        /** True for a queued sample the replay bucketed already. */
        boolean covers(Sample s) {
            return s.received() < upTo || s.received() == upTo && atUpTo.contains(key(s));
        }

        static String key(Sample s) {
            return s.clientId() + '@' + s.time();
        }
    }

    /**
     * Buckets the health messages that arrived after {@code after}, a page at a time (about
     * {@link SeriesSettings#replayPage()} messages): each page is read in a short read transaction that
     * is closed before its buckets are written, and the buckets go in with the mark moved to the page's
     * end in one write transaction. So no read snapshot is held across the replay (one held for the
     * whole of a large backlog kept SQLite from checkpointing: the WAL grew to gigabytes), and a replay
     * stopped half-way resumes after the last page written. A page ends at a millisecond boundary:
     * it takes every message of its last arrival millisecond, so paging by arrival time skips none.
     * Messages stored while the replay runs are read by its later pages; it ends on a page shorter than
     * a full one.
     */
    private Replayed replay(long after) throws SQLException {
        long total = 0;
        long upTo = after;
        java.util.Set<String> atUpTo = new java.util.HashSet<>();
        while (true) {
            Page page = readPage(upTo);
            if (page.messages() == 0) {
                break;
            }
            store.add(page.samples(), page.end()); // buckets and mark together: a stop resumes here
            bucketed.add(page.samples().size());
            total += page.messages();
            upTo = page.end();
            atUpTo = page.atEnd();
            afterPage.accept(upTo);
            if (!page.full()) {
                break;
            }
        }
        return new Replayed(total, upTo, java.util.Set.copyOf(atUpTo));
    }

    /**
     * One page of the replay: its messages' samples, how many messages it read, its last arrival
     * time and the messages of that millisecond (by {@link Replayed#key}), and whether it was full.
     */
    private record Page(List<Sample> samples, long messages, long end, java.util.Set<String> atEnd, boolean full) {
    }

    private Page readPage(long after) throws SQLException {
        int size = settings.replayPage();
        List<Sample> samples = new ArrayList<>();
        java.util.Set<String> atEnd = new java.util.HashSet<>();
        long messages = 0;
        long end = after;
        boolean full;
        try (Connection c = database.connect()) {
            c.setAutoCommit(false); // both reads in one short transaction, ended before the page is written
            try {
                // the arrival time of the page's last message; the page then takes that whole millisecond
                Long last = null;
                try (PreparedStatement ps = c.prepareStatement("SELECT received FROM health_samples WHERE received > ?"
                        + " ORDER BY received LIMIT 1 OFFSET ?")) {
                    ps.setLong(1, after);
                    ps.setInt(2, size - 1);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            last = rs.getLong(1);
                        }
                    }
                }
                full = last != null;
                try (PreparedStatement ps = c.prepareStatement("SELECT client_id, ts, received, metrics_json FROM health_samples"
                        + " WHERE received > ? AND received <= ? ORDER BY received")) {
                    ps.setLong(1, after);
                    ps.setLong(2, full ? last : Long.MAX_VALUE);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            messages++;
                            long ts = rs.getLong(2);
                            Long timestamp = rs.wasNull() ? null : ts;
                            long received = rs.getLong(3);
                            Sample s = sample(rs.getString(1), timestamp, received, MetricsJson.read(rs.getString(4)));
                            if (received != end) {
                                atEnd.clear();
                                end = received;
                            }
                            atEnd.add(rs.getString(1) + '@' + (s == null ? 0 : s.time()));
                            if (s != null) {
                                samples.add(s);
                            }
                        }
                    }
                }
            } finally {
                c.rollback(); // read only: ends the snapshot
            }
        }
        return new Page(samples, messages, end, atEnd, full);
    }

    private void run() {
        List<Sample> batch = new ArrayList<>(settings.batch());
        while (true) {
            try {
                Sample first = queue.poll(1, TimeUnit.SECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, settings.batch() - 1);
                }
                boolean stop = batch.remove(STOP);
                Replayed r = replayed;
                batch.removeIf(r::covers); // the replay at the start bucketed these
                write(batch);
                batch.clear();
                housekeeping();
                if (stop) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void write(List<Sample> batch) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            store.add(batch);
            bucketed.add(batch.size());
        } catch (SQLException | RuntimeException e) {
            // the graphs miss this batch; the health messages themselves are in the store
            failures.increment();
            LOG.warn("noc: {} health samples not put into the series: {}", batch.size(), e.toString());
        }
    }

    /** Trims old buckets and raises the drop alarm, each on its own period. */
    private void housekeeping() {
        long now = clock.millis();
        if (lastTrim == Long.MIN_VALUE || now - lastTrim >= settings.trimPeriod().toMillis()) {
            lastTrim = now;
            trim(now);
        }
        long d = dropped.sum();
        if (d > droppedAlarmed && (lastAlarm == Long.MIN_VALUE || now - lastAlarm >= settings.alarmInterval().toMillis())) {
            try {
                alarms.raise(new Alarm(DROPPED_ALARM, Alarm.Severity.MAJOR, "noc",
                        (d - droppedAlarmed) + " health samples were not put into the graphs: the series queue (noc.series.queue = "
                                + settings.queue() + ") was full; the store kept them",
                        Map.of("dropped", Long.toString(d - droppedAlarmed), "dropped_total", Long.toString(d)), now));
                droppedAlarmed = d;
                lastAlarm = now;
            } catch (SQLException e) {
                LOG.warn("noc: the {} alarm could not be stored: {}", DROPPED_ALARM, e.toString());
            }
        }
    }

    /** Deletes the buckets past their retention; returns how many went. */
    int trim(long now) {
        int n = 0;
        for (Resolution r : Resolution.values()) {
            try {
                n += store.trim(r, r.bucketOf(now - settings.retention(r).toMillis()));
            } catch (SQLException e) {
                LOG.warn("noc: old {} buckets not deleted: {}", r, e.toString());
            }
        }
        trimmed.add(n);
        return n;
    }

    int depth() {
        return queue.size();
    }

    /** Puts what waits into the series and stops the thread. */
    @Override
    public void close() throws InterruptedException {
        if (thread == null) {
            return;
        }
        if (!queue.offer(STOP, 10, TimeUnit.SECONDS)) {
            thread.interrupt(); // the store does not keep up; what waits is replayed at the next start
        }
        thread.join(10_000);
        thread = null;
    }
}
