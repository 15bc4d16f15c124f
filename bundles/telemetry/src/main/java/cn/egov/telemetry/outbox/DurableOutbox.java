package cn.egov.telemetry.outbox;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.telemetry.Priority;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import org.sqlite.JDBC;
import org.sqlite.SQLiteConfig;

/**
 * A bounded, durable store-and-forward queue in SQLite (WAL).
 *
 * <ul>
 *   <li>{@link #enqueue} returns only after the message is committed. Concurrent callers share one
 *       transaction (group commit), so many publishing threads cost one fsync, not one each.</li>
 *   <li>Each message gets a {@link MessageId} (database epoch + sequence) written into its payload
 *       as the metrics {@code msg.epoch} and {@code msg.seq}, so that the receiver can drop QoS 1
 *       duplicates.</li>
 *   <li>{@link #peek} hands messages out by priority, then age; {@link #acknowledge} deletes them once
 *       the broker has acknowledged them.</li>
 *   <li>When the outbox holds more than its capacity, the lowest-priority, oldest messages are
 *       evicted (never priorities 0 and 1); evictions are counted and raise an {@code outbox.eviction}
 *       alarm. If only priority 0/1 messages remain, the outbox grows past its capacity rather than
 *       lose them, and raises {@code outbox.overflow}.</li>
 * </ul>
 */
public final class DurableOutbox implements AutoCloseable {
    public static final String EVICTION_ALARM = BoxMetrics.OUTBOX_EVICTION_ALARM;
    public static final String OVERFLOW_ALARM = BoxMetrics.OUTBOX_OVERFLOW_ALARM;
    private static final String ALARM_SOURCE = "telemetry";

    private static final String META_EPOCH = "epoch";
    private static final String META_EVICTED = "evicted";
    private static final String META_SENT = "sent";

    private final OutboxSettings settings;
    private final Clock clock;
    private final Connection db;
    private final String epoch;
    private final Object dbLock = new Object();
    private final Object workSignal = new Object();
    /** Group commit; bounded by the callers: each adds one entry and waits in enqueueAll until it is written. */
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    /** Messages committed since the outbox opened, per priority: the sender compares two readings to see an urgent arrival. */
    private final AtomicLongArray queuedByPriority = new AtomicLongArray(Priority.LOWEST + 1);

    // Guarded by dbLock.
    private long nextSeq;
    private long depth;
    private long evicted;
    private long sent;
    private long lastEvictionAlarm = Long.MIN_VALUE;
    private long lastOverflowAlarm = Long.MIN_VALUE;
    private boolean closed;

    private volatile Consumer<Alarm> alarmSink = alarm -> { };

    public DurableOutbox(OutboxSettings settings) {
        this(settings, Clock.systemUTC());
    }

    public DurableOutbox(OutboxSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        try {
            if (settings.path().getParent() != null) {
                Files.createDirectories(settings.path().getParent());
            }
            this.db = open();
            createSchema();
            this.epoch = loadOrCreateEpoch();
            this.evicted = Long.parseLong(meta(META_EVICTED, "0"));
            this.sent = Long.parseLong(meta(META_SENT, "0"));
            this.depth = queryLong("SELECT COUNT(*) FROM message");
            // sqlite_sequence remembers the highest sequence ever used, even after the rows are gone.
            this.nextSeq = Math.max(queryLong("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = 'message'"),
                    queryLong("SELECT COALESCE(MAX(seq), 0) FROM message")) + 1;
        } catch (SQLException | IOException e) {
            throw new OutboxException("cannot open outbox " + settings.path() + ": " + e.getMessage(), e);
        }
    }

    private Connection open() throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(settings.syncMode() == SyncMode.FULL
                ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(5_000);
        Properties props = config.toProperties();
        // Direct driver call: DriverManager does not see other bundles' drivers under OSGi.
        Connection c = JDBC.createConnection(JDBC.PREFIX + settings.path().toAbsolutePath(), props);
        c.setAutoCommit(false);
        return c;
    }

    private void createSchema() throws SQLException {
        try (Statement s = db.createStatement()) {
            s.executeUpdate("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
            s.executeUpdate("CREATE TABLE IF NOT EXISTS message ("
                    + "seq INTEGER PRIMARY KEY AUTOINCREMENT, priority INTEGER NOT NULL, "
                    + "created_at INTEGER NOT NULL, topic TEXT NOT NULL, payload BLOB NOT NULL)");
            s.executeUpdate("CREATE INDEX IF NOT EXISTS message_drain ON message (priority, seq)");
        }
        db.commit();
    }

    private String loadOrCreateEpoch() throws SQLException {
        String e = meta(META_EPOCH, null);
        if (e == null) {
            e = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO meta (key, value) VALUES (?, ?)")) {
                ps.setString(1, META_EPOCH);
                ps.setString(2, e);
                ps.executeUpdate();
            }
            db.commit();
        }
        return e;
    }

    /** Where alarms go (usually {@code TelemetryPublisher::alarm}); called outside the database lock. */
    public void onAlarm(Consumer<Alarm> sink) {
        this.alarmSink = sink == null ? alarm -> { } : sink;
    }

    public String epoch() {
        return epoch;
    }

    public OutboxSettings settings() {
        return settings;
    }

    /** Queues one message; returns once it is committed to disk. */
    public MessageId enqueue(String topic, KuraPayload payload, int priority) {
        return enqueueAll(List.of(new OutgoingMessage(topic, payload, priority))).get(0);
    }

    /** Queues messages in one transaction; returns their ids once committed. */
    public List<MessageId> enqueueAll(List<OutgoingMessage> messages) {
        Pending mine = new Pending(messages);
        pending.add(mine);
        List<Alarm> alarms = new ArrayList<>(2);
        synchronized (dbLock) {
            if (!mine.done) {
                // Leader: write everything that queued up while the previous commit ran.
                List<Pending> group = new ArrayList<>();
                for (Pending p; (p = pending.poll()) != null; ) {
                    group.add(p);
                }
                writeGroup(group, alarms);
            }
        }
        alarms.forEach(this::raise);
        synchronized (workSignal) {
            workSignal.notifyAll();
        }
        if (mine.error != null) {
            throw mine.error;
        }
        return mine.ids;
    }

    private void writeGroup(List<Pending> group, List<Alarm> alarms) {
        long seqBefore = nextSeq;
        long depthBefore = depth;
        long evictedBefore = evicted;
        OutboxException failure = null;
        try {
            if (closed) {
                throw new SQLException("outbox is closed");
            }
            long now = clock.millis();
            try (PreparedStatement ins = db.prepareStatement(
                    "INSERT INTO message (seq, priority, created_at, topic, payload) VALUES (?, ?, ?, ?, ?)")) {
                for (Pending p : group) {
                    List<MessageId> ids = new ArrayList<>(p.messages.size());
                    for (OutgoingMessage m : p.messages) {
                        long seq = nextSeq++;
                        KuraPayload withId = KuraPayload.builder()
                                .metrics(m.payload().metrics())
                                .metric(MessageId.EPOCH_METRIC, epoch)
                                .metric(MessageId.SEQUENCE_METRIC, seq)
                                .body(m.payload().body())
                                .position(m.payload().position())
                                .timestamp(m.payload().timestamp() == null ? now : m.payload().timestamp())
                                .build();
                        ins.setLong(1, seq);
                        ins.setInt(2, m.priority());
                        ins.setLong(3, now);
                        ins.setString(4, m.topic());
                        ins.setBytes(5, KuraPayloadCodec.encode(withId));
                        ins.addBatch();
                        ids.add(new MessageId(epoch, seq));
                    }
                    p.ids = ids;
                    depth += p.messages.size();
                }
                ins.executeBatch();
            }
            long justEvicted = depth > settings.capacity() ? evict(depth - settings.capacity()) : 0;
            if (justEvicted > 0) {
                putMeta(META_EVICTED, Long.toString(evicted));
            }
            db.commit();
            for (Pending p : group) {
                for (OutgoingMessage m : p.messages) {
                    queuedByPriority.incrementAndGet(m.priority());
                }
            }
            if (justEvicted > 0 && due(lastEvictionAlarm, now)) {
                lastEvictionAlarm = now;
                alarms.add(new Alarm(EVICTION_ALARM, Alarm.Severity.MAJOR, ALARM_SOURCE,
                        "Telemetry outbox is full: the oldest low-priority messages are being dropped",
                        evidence(justEvicted), now));
            }
            if (depth > settings.capacity() && due(lastOverflowAlarm, now)) {
                lastOverflowAlarm = now;
                alarms.add(new Alarm(OVERFLOW_ALARM, Alarm.Severity.CRITICAL, ALARM_SOURCE,
                        "Telemetry outbox holds more priority 0/1 messages than its capacity and keeps growing",
                        evidence(0), now));
            }
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            nextSeq = seqBefore;
            depth = depthBefore;
            evicted = evictedBefore;
            failure = new OutboxException("cannot queue message in outbox " + settings.path() + ": " + e.getMessage(), e);
        }
        for (Pending p : group) {
            p.error = failure;
            p.done = true;
        }
    }

    private boolean due(long last, long now) {
        return last == Long.MIN_VALUE || now - last >= settings.alarmInterval().toMillis();
    }

    private Map<String, String> evidence(long justEvicted) {
        return Map.of("depth", Long.toString(depth), "capacity", Integer.toString(settings.capacity()),
                "evicted_now", Long.toString(justEvicted), "evicted_total", Long.toString(evicted),
                "database", settings.path().toString());
    }

    /** Deletes up to {@code excess} evictable messages, lowest priority first, oldest first within it. */
    private long evict(long excess) throws SQLException {
        long removed = 0;
        while (removed < excess) {
            long worst = queryLong("SELECT COALESCE(MAX(priority), -1) FROM message WHERE priority > " + Priority.NEVER_EVICTED_UP_TO);
            if (worst < 0) {
                break; // only never-evicted priorities left: grow instead
            }
            try (PreparedStatement del = db.prepareStatement(
                    "DELETE FROM message WHERE seq IN (SELECT seq FROM message WHERE priority = ? ORDER BY seq LIMIT ?)")) {
                del.setLong(1, worst);
                del.setLong(2, excess - removed);
                removed += del.executeUpdate();
            }
        }
        depth -= removed;
        evicted += removed;
        return removed;
    }

    /** True while a message of {@code priority} or more urgent waits (index {@code message_drain}: one row read at most). */
    public boolean holds(int priority) {
        synchronized (dbLock) {
            try (PreparedStatement ps = db.prepareStatement("SELECT 1 FROM message WHERE priority <= ? LIMIT 1")) {
                ps.setInt(1, priority);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            } catch (SQLException e) {
                throw new OutboxException("cannot read the outbox: " + e.getMessage(), e);
            }
        }
    }

    /** How many messages of each priority (the index) were queued since the outbox opened; see {@link #moreUrgentSince}. */
    public long[] queuedByPriority() {
        long[] out = new long[queuedByPriority.length()];
        for (int p = 0; p < out.length; p++) {
            out[p] = queuedByPriority.get(p);
        }
        return out;
    }

    /**
     * True when a message more urgent than {@code priority} was queued after {@code earlier} (a
     * reading of {@link #queuedByPriority}): the sender then reads again, so that the newcomer leaves
     * before the rest of what it had read.
     */
    public boolean moreUrgentSince(long[] earlier, int priority) {
        for (int p = 0; p < priority && p < earlier.length; p++) {
            if (queuedByPriority.get(p) != earlier[p]) {
                return true;
            }
        }
        return false;
    }

    /** Up to {@code max} waiting messages, by priority then age. */
    public List<StoredMessage> peek(int max) {
        return peek(max, Long.MAX_VALUE, Set.of());
    }

    /**
     * Up to {@code max} waiting messages, by priority then age, leaving out {@code skip} (those on the
     * wire already) and stopping once {@code maxBytes} of payload are read (at least one message is
     * returned). Large messages (a document exchanged is up to megabytes) then neither fill the heap
     * nor are read again while they wait for their acknowledgement: a skipped payload is not read.
     */
    public List<StoredMessage> peek(int max, long maxBytes, Set<Long> skip) {
        synchronized (dbLock) {
            List<StoredMessage> out = new ArrayList<>(Math.min(max, 1024));
            long bytes = 0;
            try (PreparedStatement ps = db.prepareStatement(
                    "SELECT seq, topic, priority, created_at, length(payload), payload FROM message ORDER BY priority, seq LIMIT ?")) {
                ps.setInt(1, max + skip.size());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next() && out.size() < max) {
                        long seq = rs.getLong(1);
                        if (skip.contains(seq)) {
                            continue;
                        }
                        long size = rs.getLong(5);
                        if (!out.isEmpty() && bytes + size > maxBytes) {
                            break;
                        }
                        bytes += size;
                        out.add(new StoredMessage(seq, rs.getString(2), rs.getInt(3), rs.getLong(4), rs.getBytes(6)));
                    }
                }
                db.commit();
            } catch (SQLException e) {
                rollbackQuietly();
                throw new OutboxException("cannot read outbox " + settings.path() + ": " + e.getMessage(), e);
            }
            return out;
        }
    }

    /** Deletes messages the broker acknowledged (in one transaction); unknown or evicted ones are ignored. */
    public void acknowledge(Collection<Long> seqs) {
        if (seqs.isEmpty()) {
            return;
        }
        synchronized (dbLock) {
            try (PreparedStatement del = db.prepareStatement("DELETE FROM message WHERE seq = ?")) {
                for (long seq : seqs) {
                    del.setLong(1, seq);
                    del.addBatch();
                }
                long removed = 0;
                for (int n : del.executeBatch()) {
                    removed += Math.max(n, 0);
                }
                putMeta(META_SENT, Long.toString(sent + removed));
                db.commit();
                sent += removed;
                depth -= removed;
            } catch (SQLException e) {
                rollbackQuietly();
                throw new OutboxException("cannot acknowledge messages in outbox " + settings.path() + ": " + e.getMessage(), e);
            }
        }
    }

    /** Waits until something is queued or the timeout passes; the sender uses it when idle. */
    public void awaitWork(long timeoutMillis) throws InterruptedException {
        synchronized (workSignal) {
            if (depth() == 0) {
                workSignal.wait(timeoutMillis);
            }
        }
    }

    public long depth() {
        synchronized (dbLock) {
            return depth;
        }
    }

    public OutboxStats stats() {
        synchronized (dbLock) {
            return new OutboxStats(depth, settings.capacity(), evicted, sent);
        }
    }

    private void raise(Alarm alarm) {
        try {
            alarmSink.accept(alarm);
        } catch (RuntimeException e) {
            // The alarm could not be queued; the counters still record the eviction.
            System.getLogger(DurableOutbox.class.getName()).log(System.Logger.Level.ERROR, "cannot raise alarm " + alarm.kind(), e);
        }
    }

    private String meta(String key, String fallback) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : fallback;
            }
        }
    }

    private void putMeta(String key, String value) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)")) {
            ps.setString(1, key);
            ps.setString(2, value);
            ps.executeUpdate();
        }
    }

    private long queryLong(String sql) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private void rollbackQuietly() {
        try {
            db.rollback();
        } catch (SQLException ignored) {
            // the original error is what the caller needs to see
        }
    }

    @Override
    public void close() {
        synchronized (dbLock) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                db.close();
            } catch (SQLException e) {
                throw new OutboxException("cannot close outbox " + settings.path() + ": " + e.getMessage(), e);
            }
        }
    }

    private static final class Pending {
        final List<OutgoingMessage> messages;
        volatile boolean done;
        volatile List<MessageId> ids;
        volatile OutboxException error;

        Pending(List<OutgoingMessage> messages) {
            this.messages = messages;
        }
    }
}
