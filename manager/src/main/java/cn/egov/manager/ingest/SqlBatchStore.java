package cn.egov.manager.ingest;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.MessageId;
import cn.egov.manager.fleet.FleetChanges;
import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.store.AlarmStore;
import cn.egov.manager.fleet.BoxStore;
import cn.egov.manager.store.Database;
import cn.egov.manager.store.MultiRowInsert;
import cn.egov.rules.unit.UnitCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Stores a batch in one transaction: each message into its table with
 * {@code ON CONFLICT DO NOTHING} on (client id, msg.epoch, msg.seq) so that a QoS 1 redelivery is
 * stored once; new messages change boxes of the fleet, which are written in the same transaction
 * and enter the registry only once it committed ({@link FleetRegistry#update}: a rollback leaves
 * the registry as it was); malformed input goes to the {@code malformed} table as evidence.
 * A health message's figures are stored once, as its metrics ({@code health_samples.metrics_json}, rendered by
 * the decoder: {@link IngestRecord.Decoded#metricsJson}).
 * Each table's rows are written by multi-row INSERTs ({@link MultiRowInsert}); what they return
 * (the ids of the rows that were new) says which messages were duplicates.
 */
public final class SqlBatchStore implements BatchStore, AutoCloseable {

    private static final MultiRowInsert HEALTH = new MultiRowInsert("health_samples",
            List.of("client_id", "msg_epoch", "msg_seq", "ts", "received", "metrics_json"),
            new int[] {Types.VARCHAR, Types.VARCHAR, Types.BIGINT, Types.BIGINT, Types.BIGINT, Types.VARCHAR}, MultiRowInsert.NEW_MESSAGE_IDS);
    private static final MultiRowInsert LIFECYCLE = new MultiRowInsert("lifecycle_events",
            List.of("client_id", "kind", "msg_epoch", "msg_seq", "ts", "received", "metrics_json"),
            new int[] {Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.BIGINT, Types.BIGINT, Types.BIGINT, Types.VARCHAR},
            MultiRowInsert.NEW_MESSAGE_IDS);
    private static final MultiRowInsert TELEMETRY = new MultiRowInsert("telemetry",
            List.of("client_id", "app_id", "resource", "msg_epoch", "msg_seq", "ts", "received", "metrics_json", "body"),
            new int[] {Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.BIGINT, Types.BIGINT, Types.BIGINT,
                Types.VARCHAR, Types.BINARY}, MultiRowInsert.NEW_MESSAGE_IDS);
    private static final MultiRowInsert MALFORMED = new MultiRowInsert("malformed", List.of("topic", "reason", "detail", "size", "received"),
            new int[] {Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.BIGINT, Types.BIGINT}, "");
    /**
     * Class id of the boxes' locks in PostgreSQL's two-key advisory lock space ("boxs"; the series use
     * "egov", the singletons the one-key space, which does not overlap).
     */
    private static final int BOX_LOCK_CLASS = 0x626f7873;
    /** Locks the batch's boxes for its transaction, in the order of the (sorted) array: see lockBoxes. */
    private static final String LOCK_BOXES = "SELECT pg_advisory_xact_lock(" + BOX_LOCK_CLASS + ", k) FROM unnest(?) AS k";
    /** SQL states of a transaction the server aborted for another's sake: deadlock, serialization failure. */
    private static final java.util.Set<String> TRANSIENT = java.util.Set.of("40P01", "40001");
    private static final int CONFLICT_TRIES = 5;
    /** Longest pause (ms) after the first conflict, growing with each: about a batch's time in the store. */
    private static final long CONFLICT_PAUSE_MS = 50;
    /** Longest topic and detail kept in the malformed table. */
    private static final int MAX_TEXT = 1024;

    private final Database database;
    private final FleetRegistry fleet;
    private Connection open;

    public SqlBatchStore(Database database, FleetRegistry fleet) {
        this.database = database;
        this.fleet = fleet;
    }

    @Override
    public synchronized List<IngestRecord.Decoded> store(List<IngestRecord> batch) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return fleet.update(changes -> store(batch, changes));
            } catch (SQLException e) {
                // PostgreSQL with several writers (manager nodes): the box locks keep their batches
                // from deadlocking on each other's rows, but a transaction the server aborts all the
                // same (a deadlock or serialization failure elsewhere) is run again whole. Its fleet
                // changes were discarded with it.
                if (attempt >= CONFLICT_TRIES || e.getSQLState() == null || !TRANSIENT.contains(e.getSQLState())) {
                    throw e;
                }
                pauseBeforeRetry(attempt, e);
            }
        }
    }

    /**
     * A random pause, longer after each conflict, before the batch runs again: run again at once (its
     * pooled connection is back at once) it met the same other writer at the same rows, and the
     * server aborted it again; a new login used to be that pause, by accident.
     */
    private static void pauseBeforeRetry(int attempt, SQLException conflict) throws SQLException {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(CONFLICT_PAUSE_MS * attempt) + 1);
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
            throw conflict;
        }
    }

    /**
     * The writer's connection, kept from batch to batch: opening one per batch cost PostgreSQL a
     * login (SCRAM) and a new server process each time. Dropped after any failure, so that the next
     * batch starts on a fresh one.
     */
    private Connection connection() throws SQLException {
        if (open == null) {
            open = database.connect();
            open.setAutoCommit(false);
        }
        return open;
    }

    /** Closes the kept connection (the writer has stopped); a later batch opens a new one. */
    @Override
    public synchronized void close() {
        if (open != null) {
            try {
                open.close();
            } catch (SQLException e) {
                // closing a broken connection: nothing was pending on it (every batch commits or rolls back)
            }
            open = null;
        }
    }

    private List<IngestRecord.Decoded> store(List<IngestRecord> batch, FleetChanges changes) throws SQLException {
        Connection c = connection();
        boolean done = false;
        try {
            List<Object[]> malformed = new ArrayList<>();
            List<IngestRecord.Decoded> decoded = new ArrayList<>();
            Map<MultiRowInsert, TableRows> tables = new LinkedHashMap<>();
            for (IngestRecord r : batch) {
                if (r instanceof IngestRecord.Malformed m) {
                    malformed.add(new Object[] {cut(m.raw().topic()), m.reason().label, cut(m.detail()),
                        m.raw().payload() == null ? 0L : (long) m.raw().payload().length, m.raw().received()});
                } else if (r instanceof IngestRecord.Decoded d) {
                    Row row = row(d);
                    tables.computeIfAbsent(row.table(), TableRows::new).add(decoded.size(), d, row.values());
                    decoded.add(d);
                }
            }
            MALFORMED.run(c, malformed, List.of(), null);
            lockBoxes(c, decoded);
            boolean[] fresh = new boolean[decoded.size()];
            for (TableRows t : tables.values()) {
                t.markNew(c, fresh);
            }
            List<IngestRecord.Decoded> stored = new ArrayList<>();
            for (int i = 0; i < fresh.length; i++) { // in the order of the input
                if (fresh[i]) {
                    stored.add(decoded.get(i));
                }
            }
            for (IngestRecord.Decoded d : changingTheFleet(stored)) {
                applyToFleet(d, changes);
            }
            BoxStore.upsert(c, changes.changed());
            c.commit();
            done = true;
            return stored;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e instanceof SQLException se ? se : new SQLException("batch failed: " + e, e);
        } finally {
            if (!done) {
                close();
            }
        }
    }

    /**
     * PostgreSQL: takes a transaction lock on each box of the batch, in one order (sorted keys) in every
     * writer, before any row is written. Two writers (manager nodes, or a redelivery) storing messages
     * of the same box then store them one after the other, never each waiting for a row the other
     * inserted: without it two batches holding the same messages in different orders deadlocked, and
     * the server aborted one. The rows themselves keep the order they arrived in. SQLite has one
     * writer at a time anyway.
     */
    private void lockBoxes(Connection c, List<IngestRecord.Decoded> decoded) throws SQLException {
        if (database.kind() != Database.Kind.POSTGRESQL || decoded.isEmpty()) {
            return;
        }
        // String.hashCode is specified: every node computes the same key (two boxes sharing one only wait more)
        Integer[] keys = decoded.stream().map(IngestRecord.Decoded::unit).distinct().map(u -> u.toString().hashCode()).distinct().sorted()
                .toArray(Integer[]::new);
        try (PreparedStatement ps = c.prepareStatement(LOCK_BOXES)) {
            ps.setArray(1, c.createArrayOf("integer", keys));
            ps.execute();
        }
    }

    /** A message's row and the table it goes to. */
    private record Row(MultiRowInsert table, Object[] values) {
    }

    private static Row row(IngestRecord.Decoded d) {
        KuraPayload p = d.payload();
        String client = d.unit().toString();
        String epoch = d.id() == null ? null : d.id().epoch();
        Long seq = d.id() == null ? null : d.id().sequence();
        long received = d.raw().received();
        return switch (d.kind()) {
            case HEALTH -> new Row(HEALTH, new Object[] {client, epoch, seq, p.timestamp(), received, d.metricsJson()});
            case BIRTH, DC, LWT -> new Row(LIFECYCLE,
                    new Object[] {client, d.kind().name(), epoch, seq, p.timestamp(), received, d.metricsJson()});
            case ALARM -> new Row(AlarmStore.INSERT,
                    AlarmStore.row(client, epoch, seq, Alarm.fromPayload(d.topic().resource(), p), received));
            default -> new Row(TELEMETRY, new Object[] {client, (d.topic().control() ? "$EDC/" : "") + d.topic().appId(),
                d.topic().resource(), epoch, seq, p.timestamp(), received, d.metricsJson(), p.body()});
        };
    }

    /** A message's unique id in its table. */
    private record StoredId(String clientId, MessageId id) {
    }

    /** The messages of one table in a batch, in order: their place among the batch's messages, and rows. */
    private static final class TableRows {
        private final MultiRowInsert table;
        private final List<Integer> places = new ArrayList<>();
        private final List<IngestRecord.Decoded> records = new ArrayList<>();
        private final List<Object[]> rows = new ArrayList<>();

        TableRows(MultiRowInsert table) {
            this.table = table;
        }

        void add(int place, IngestRecord.Decoded d, Object[] row) {
            places.add(place);
            records.add(d);
            rows.add(row);
        }

        /**
         * Inserts the rows and says which messages were new: the table returned their id (the first
         * of an id in the batch, as a row at a time would have), or they have none (never a conflict).
         */
        void markNew(Connection c, boolean[] fresh) throws SQLException {
            Set<StoredId> inserted = new HashSet<>();
            table.run(c, rows, List.of(), rs -> {
                long seq = rs.getLong(3);
                if (!rs.wasNull() && rs.getString(2) != null) {
                    inserted.add(new StoredId(rs.getString(1), new MessageId(rs.getString(2), seq)));
                }
            });
            for (int i = 0; i < records.size(); i++) {
                IngestRecord.Decoded d = records.get(i);
                fresh[places.get(i)] = d.id() == null || d.id().epoch() == null
                        || inserted.remove(new StoredId(d.unit().toString(), d.id()));
            }
        }
    }

    /**
     * The stored messages the fleet must see, in order: of a box's run of health messages (none of its
     * other messages between) only the first and the last. The box's state after the run is the same:
     * the first may bring a MISSING box back (its time starts the status), the ones after it change
     * only the times and figures, which the last sets. In a backlog's drain a box has many health
     * messages in a batch: one new state (and copy of the figures) each was a sixth of the writer's work.
     */
    static List<IngestRecord.Decoded> changingTheFleet(List<IngestRecord.Decoded> stored) {
        boolean[] skip = new boolean[stored.size()];
        Map<UnitCode, int[]> lastHealth = new HashMap<>(); // box -> {place of its last message if health, else -1; its run's length}
        for (int i = 0; i < stored.size(); i++) {
            IngestRecord.Decoded d = stored.get(i);
            int[] last = lastHealth.computeIfAbsent(d.unit(), u -> new int[] {-1, 0});
            if (d.kind() != IngestKind.HEALTH) {
                last[0] = -1;
                last[1] = 0;
                continue;
            }
            if (last[1] >= 2) {
                skip[last[0]] = true; // neither the run's first nor (now) its last
            }
            last[0] = i;
            last[1]++;
        }
        List<IngestRecord.Decoded> out = new ArrayList<>(stored.size());
        for (int i = 0; i < skip.length; i++) {
            if (!skip[i]) {
                out.add(stored.get(i));
            }
        }
        return out;
    }

    static void applyToFleet(IngestRecord.Decoded d, FleetChanges changes) {
        long at = d.raw().received();
        switch (d.kind()) {
            case BIRTH -> changes.onBirth(d.unit(), d.payload(), at);
            case DC -> changes.onDisconnect(d.unit(), "DC", at);
            case LWT -> changes.onDisconnect(d.unit(), "LWT", at);
            case HEALTH -> changes.onHealth(d.unit(), d.payload(), at);
            default -> changes.onMessage(d.unit(), at);
        }
    }

    private static String cut(String s) {
        return s == null || s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "...";
    }
}
