package cn.egov.manager.ingest;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.Alarm;
import cn.egov.manager.fleet.FleetChanges;
import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.store.AlarmStore;
import cn.egov.manager.fleet.BoxStore;
import cn.egov.manager.store.Database;
import cn.egov.manager.store.MetricsJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Stores a batch in one transaction: each message into its table with
 * {@code ON CONFLICT DO NOTHING} on (client id, msg.epoch, msg.seq) so that a QoS 1 redelivery is
 * stored once; new messages change boxes of the fleet, which are written in the same transaction
 * and enter the registry only once it committed ({@link FleetRegistry#update}: a rollback leaves
 * the registry as it was); malformed input goes to the {@code malformed} table as evidence.
 * A health message's figures are stored once, as its metrics ({@code health_samples.metrics_json}).
 */
public final class SqlBatchStore implements BatchStore, AutoCloseable {

    private static final String HEALTH = "INSERT INTO health_samples (client_id, msg_epoch, msg_seq, ts, received, metrics_json)"
            + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String LIFECYCLE = "INSERT INTO lifecycle_events (client_id, kind, msg_epoch, msg_seq, ts, received, metrics_json)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String TELEMETRY = "INSERT INTO telemetry (client_id, app_id, resource, msg_epoch, msg_seq, ts, received,"
            + " metrics_json, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String MALFORMED = "INSERT INTO malformed (topic, reason, detail, size, received) VALUES (?, ?, ?, ?, ?)";
    /** SQL states of a transaction the server aborted for another's sake: deadlock, serialization failure. */
    private static final java.util.Set<String> TRANSIENT = java.util.Set.of("40P01", "40001");
    private static final int CONFLICT_TRIES = 5;
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
                // PostgreSQL with several writers (manager nodes): two batches holding one message
                // each (a redelivery) can wait on each other; the server aborts one, which is
                // then run again whole. Its fleet changes were discarded with it.
                if (attempt >= CONFLICT_TRIES || e.getSQLState() == null || !TRANSIENT.contains(e.getSQLState())) {
                    throw e;
                }
            }
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
        List<IngestRecord.Decoded> stored = new ArrayList<>();
        Connection c = connection();
        boolean done = false;
        try {
            try (PreparedStatement health = c.prepareStatement(HEALTH);
                 PreparedStatement life = c.prepareStatement(LIFECYCLE);
                 PreparedStatement tele = c.prepareStatement(TELEMETRY);
                 PreparedStatement bad = c.prepareStatement(MALFORMED)) {
                // JDBC batches per table (SQLite: ~20x faster than one statement at a time); the
                // per-row update counts say which rows were new, in the order of the input.
                List<IngestRecord.Decoded> decoded = new ArrayList<>();
                List<PreparedStatement> statementOf = new ArrayList<>();
                List<Integer> indexOf = new ArrayList<>();
                Map<PreparedStatement, Integer> sizes = new java.util.IdentityHashMap<>();
                for (IngestRecord r : batch) {
                    if (r instanceof IngestRecord.Malformed m) {
                        bad.setString(1, cut(m.raw().topic()));
                        bad.setString(2, m.reason().label);
                        bad.setString(3, cut(m.detail()));
                        bad.setLong(4, m.raw().payload() == null ? 0 : m.raw().payload().length);
                        bad.setLong(5, m.raw().received());
                        bad.addBatch();
                    } else if (r instanceof IngestRecord.Decoded d) {
                        if (d.kind() == IngestKind.ALARM) {
                            if (AlarmStore.insert(c, d.unit().toString(), d.id() == null ? null : d.id().epoch(),
                                    d.id() == null ? null : d.id().sequence(), Alarm.fromPayload(d.topic().resource(), d.payload()),
                                    d.raw().received())) {
                                decoded.add(d);
                                statementOf.add(null);
                                indexOf.add(-1);
                            }
                            continue;
                        }
                        PreparedStatement ps = bind(d, health, life, tele);
                        ps.addBatch();
                        int index = sizes.merge(ps, 1, Integer::sum) - 1;
                        decoded.add(d);
                        statementOf.add(ps);
                        indexOf.add(index);
                    }
                }
                bad.executeBatch();
                Map<PreparedStatement, int[]> counts = new java.util.IdentityHashMap<>();
                for (PreparedStatement ps : sizes.keySet()) {
                    counts.put(ps, ps.executeBatch());
                }
                for (int i = 0; i < decoded.size(); i++) {
                    PreparedStatement ps = statementOf.get(i);
                    if (ps == null || counts.get(ps)[indexOf.get(i)] == 1) {
                        IngestRecord.Decoded d = decoded.get(i);
                        stored.add(d);
                        applyToFleet(d, changes);
                    }
                }
                BoxStore.upsert(c, changes.changed());
                c.commit();
                done = true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e instanceof SQLException se ? se : new SQLException("batch failed: " + e, e);
            }
        } finally {
            if (!done) {
                close();
            }
        }
        return stored;
    }

    /** Binds the message's row to the statement of its table and returns that statement. */
    private static PreparedStatement bind(IngestRecord.Decoded d, PreparedStatement health, PreparedStatement life,
                                          PreparedStatement tele) throws SQLException {
        KuraPayload p = d.payload();
        String client = d.unit().toString();
        String epoch = d.id() == null ? null : d.id().epoch();
        Long seq = d.id() == null ? null : d.id().sequence();
        long received = d.raw().received();
        switch (d.kind()) {
            case HEALTH -> {
                health.setString(1, client);
                health.setString(2, epoch);
                setLong(health, 3, seq);
                setLong(health, 4, p.timestamp());
                health.setLong(5, received);
                health.setString(6, MetricsJson.write(p.metrics()));
                return health;
            }
            case BIRTH, DC, LWT -> {
                life.setString(1, client);
                life.setString(2, d.kind().name());
                life.setString(3, epoch);
                setLong(life, 4, seq);
                setLong(life, 5, p.timestamp());
                life.setLong(6, received);
                life.setString(7, MetricsJson.write(p.metrics()));
                return life;
            }
            default -> {
                tele.setString(1, client);
                tele.setString(2, (d.topic().control() ? "$EDC/" : "") + d.topic().appId());
                tele.setString(3, d.topic().resource());
                tele.setString(4, epoch);
                setLong(tele, 5, seq);
                setLong(tele, 6, p.timestamp());
                tele.setLong(7, received);
                tele.setString(8, MetricsJson.write(p.metrics()));
                tele.setBytes(9, p.body());
                return tele;
            }
        }
    }

    private static void applyToFleet(IngestRecord.Decoded d, FleetChanges changes) {
        long at = d.raw().received();
        switch (d.kind()) {
            case BIRTH -> changes.onBirth(d.unit(), d.payload(), at);
            case DC -> changes.onDisconnect(d.unit(), "DC", at);
            case LWT -> changes.onDisconnect(d.unit(), "LWT", at);
            case HEALTH -> changes.onHealth(d.unit(), d.payload(), at);
            default -> changes.onMessage(d.unit(), at);
        }
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }

    private static String cut(String s) {
        return s == null || s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "...";
    }
}
