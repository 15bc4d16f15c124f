package cn.egov.manager.exchange;

import cn.egov.manager.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The hub's tables, in the manager's database (SQLite or PostgreSQL):
 * <ul>
 *   <li>{@code exchange_unit}: the directory (unit, serving box, encryption certificate);</li>
 *   <li>{@code exchange_doc}: every document the hub took, by message id (the hub's duplicate store;
 *       the envelope is dropped once every recipient is final, the row stays for the duplicate window);</li>
 *   <li>{@code exchange_delivery}: one row per recipient unit, its state and attempts;</li>
 *   <li>{@code exchange_notice}: news for a sender box, kept until the box acknowledges it.</li>
 * </ul>
 */
public final class HubStore implements AutoCloseable {

    /** A recipient's state at the hub. */
    public enum State { PENDING, DELIVERED, RECEIVED, FAILED, UNDELIVERABLE;
        boolean isFinal() {
            return this == RECEIVED || this == FAILED || this == UNDELIVERABLE;
        }
    }

    /** The part's schema steps (the manager's migration runner applies them, {@code schema_history_exchange}); append, never edit. */
    static final List<String> MIGRATIONS = List.of("""
            CREATE TABLE IF NOT EXISTS exchange_unit (unit VARCHAR(16) PRIMARY KEY, box VARCHAR(16) NOT NULL, certificate BYTEA NOT NULL,
              registered BIGINT NOT NULL);
            CREATE TABLE IF NOT EXISTS exchange_doc (message_id VARCHAR(40) PRIMARY KEY, sender_box VARCHAR(16) NOT NULL,
              issuer VARCHAR(16) NOT NULL, urgency VARCHAR(16) NOT NULL, deadline BIGINT NOT NULL, received BIGINT NOT NULL,
              size BIGINT NOT NULL, envelope BYTEA, refused VARCHAR(1000));
            CREATE TABLE IF NOT EXISTS exchange_delivery (message_id VARCHAR(40) NOT NULL, recipient VARCHAR(16) NOT NULL,
              box VARCHAR(16) NOT NULL, state VARCHAR(16) NOT NULL, updated BIGINT NOT NULL, last_sent BIGINT NOT NULL,
              attempts INTEGER NOT NULL, reason VARCHAR(1000), next_send BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (message_id, recipient));
            CREATE INDEX IF NOT EXISTS exchange_delivery_state ON exchange_delivery (state, box);
            CREATE INDEX IF NOT EXISTS exchange_delivery_due ON exchange_delivery (state, next_send);
            CREATE TABLE IF NOT EXISTS exchange_notice (id VARCHAR(40) PRIMARY KEY, box VARCHAR(16) NOT NULL, kind VARCHAR(16) NOT NULL,
              message_id VARCHAR(40) NOT NULL, recipient VARCHAR(200), reason VARCHAR(1000), body BYTEA, created BIGINT NOT NULL,
              last_sent BIGINT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_send BIGINT NOT NULL DEFAULT 0);
            CREATE INDEX IF NOT EXISTS exchange_notice_box ON exchange_notice (box, next_send);
            CREATE INDEX IF NOT EXISTS exchange_notice_due ON exchange_notice (next_send)""");

    private final Database db;
    private final boolean sqlite;
    /**
     * SQLite: the hub's transactions run one at a time on one connection kept open. A connection
     * per transaction cost more than the work: opening the file, and on closing the last connection
     * SQLite checkpoints the WAL into the database (more disk syncs) every time.
     */
    private final java.util.concurrent.locks.ReentrantLock kept = new java.util.concurrent.locks.ReentrantLock();
    private Connection keptConnection;
    /** Idle connections kept for reads outside transactions ({@link #read}); SQLite only. */
    static final int KEPT_READERS = 4;
    /**
     * SQLite: reads outside a transaction (the envelope a box fetches, what to send after a commit: three per
     * document) run on connections kept open, for the same reason: opening one cost more than such a read.
     * Several, because the document server's threads fetch side by side; a read holds no lock between its
     * statements (autocommit), so kept readers never hold the writer back.
     */
    private final java.util.concurrent.BlockingDeque<Connection> readers = new java.util.concurrent.LinkedBlockingDeque<>();

    /** The hub's tables in {@code db}, brought up to date (also for a command that uses the store alone). */
    public HubStore(Database db) throws SQLException {
        this.db = db;
        this.sqlite = db.url().startsWith("jdbc:sqlite");
        db.migrate("exchange", MIGRATIONS);
    }

    /** Closes the connections kept for transactions and reads (the next transaction or read opens another). */
    @Override
    public void close() {
        kept.lock();
        try {
            closeKept();
        } finally {
            kept.unlock();
        }
        for (Connection c; (c = readers.pollFirst()) != null; ) {
            quietlyClose(c);
        }
    }

    private static void quietlyClose(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // closing a broken connection: nothing left to do with it
        }
    }

    private void closeKept() {
        if (keptConnection != null) {
            quietlyClose(keptConnection);
            keptConnection = null;
        }
    }

    public Database database() {
        return db;
    }

    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code w}'s reads outside a transaction (each statement on its own, as on a new connection): on SQLite
     * on a kept connection ({@link #KEPT_READERS} wait idle; one that failed is closed), on PostgreSQL on a
     * connection of its own. {@code w} closes its statements.
     */
    public <T> T read(Work<T> w) throws SQLException {
        if (!sqlite) {
            try (Connection c = db.connect()) {
                return w.run(c);
            }
        }
        Connection c = readers.pollFirst();
        if (c == null) {
            c = db.connect();
        }
        boolean done = false;
        try {
            T t = w.run(c);
            done = true;
            return t;
        } finally {
            if (!done || readers.size() >= KEPT_READERS || !readers.offerFirst(c)) {
                quietlyClose(c);
            }
        }
    }

    /** Connections waiting for the next {@link #read} (tests). */
    int idleReaders() {
        return readers.size();
    }

    /**
     * Runs {@code w} in one transaction: on SQLite on the connection kept for the hub's transactions,
     * one at a time, on PostgreSQL on a connection of its own. On SQLite it starts with
     * {@code BEGIN IMMEDIATE}: the work reads before it writes, and a deferred transaction whose
     * snapshot another writer (the ingest writer, the hub's timer) made stale fails at once with
     * SQLITE_BUSY instead of waiting for the lock; an immediate one waits up to the busy timeout.
     */
    public <T> T tx(Work<T> w) throws SQLException {
        if (!sqlite) {
            try (Connection c = db.connect()) {
                return tx(c, w);
            }
        }
        kept.lock();
        try {
            if (keptConnection == null) {
                keptConnection = db.connect();
            }
            try {
                return tx(keptConnection, w);
            } catch (SQLException e) {
                closeKept(); // the next transaction starts on a fresh connection (the store may have been the problem)
                throw e;
            }
        } finally {
            kept.unlock();
        }
    }

    private <T> T tx(Connection c, Work<T> w) throws SQLException {
        if (sqlite) {
            try (Statement s = c.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
            }
        } else {
            c.setAutoCommit(false);
        }
        try {
            T t = w.run(c);
            if (sqlite) {
                try (Statement s = c.createStatement()) {
                    s.execute("COMMIT");
                }
            } else {
                c.commit();
            }
            return t;
        } catch (SQLException | RuntimeException e) {
            try {
                if (sqlite) {
                    try (Statement s = c.createStatement()) {
                        s.execute("ROLLBACK");
                    }
                } else {
                    c.rollback();
                }
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    // ---- directory ------------------------------------------------------------------------

    public record Unit(String unit, String box, byte[] certificate) {
    }

    static void putUnit(Connection c, Unit u, long at) throws SQLException {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM exchange_unit WHERE unit = ?");
             PreparedStatement ins = c.prepareStatement("INSERT INTO exchange_unit (unit, box, certificate, registered) VALUES (?,?,?,?)")) {
            del.setString(1, u.unit());
            del.executeUpdate();
            ins.setString(1, u.unit());
            ins.setString(2, u.box());
            ins.setBytes(3, u.certificate());
            ins.setLong(4, at);
            ins.executeUpdate();
        }
    }

    public List<Unit> units() throws SQLException {
        List<Unit> out = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT unit, box, certificate FROM exchange_unit ORDER BY unit")) {
            while (rs.next()) {
                out.add(new Unit(rs.getString(1), rs.getString(2), rs.getBytes(3)));
            }
        }
        return out;
    }

    static Optional<Unit> unit(Connection c, String unit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT unit, box, certificate FROM exchange_unit WHERE unit = ?")) {
            ps.setString(1, unit);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Unit(rs.getString(1), rs.getString(2), rs.getBytes(3))) : Optional.empty();
            }
        }
    }

    // ---- documents ------------------------------------------------------------------------

    public record Doc(String messageId, String senderBox, String issuer, String urgency, long deadline, long received, long size,
                      String refused) {
    }

    static Optional<Doc> doc(Connection c, String messageId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT message_id, sender_box, issuer, urgency, deadline, received, size, refused "
                + "FROM exchange_doc WHERE message_id = ?")) {
            ps.setString(1, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Doc(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                        rs.getLong(6), rs.getLong(7), rs.getString(8))) : Optional.empty();
            }
        }
    }

    static void insertDoc(Connection c, Doc d, byte[] envelope) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO exchange_doc (message_id, sender_box, issuer, urgency, deadline, "
                + "received, size, envelope, refused) VALUES (?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, d.messageId());
            ps.setString(2, d.senderBox());
            ps.setString(3, d.issuer());
            ps.setString(4, d.urgency());
            ps.setLong(5, d.deadline());
            ps.setLong(6, d.received());
            ps.setLong(7, d.size());
            ps.setBytes(8, envelope);
            ps.setString(9, d.refused());
            ps.executeUpdate();
        }
    }

    static byte[] envelope(Connection c, String messageId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT envelope FROM exchange_doc WHERE message_id = ?")) {
            ps.setString(1, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }

    static boolean hasEnvelope(Connection c, String messageId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM exchange_doc WHERE message_id = ? AND envelope IS NOT NULL")) {
            ps.setString(1, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Drops the envelope once every recipient is final (the row stays as the duplicate record). */
    static void dropEnvelopeIfDone(Connection c, String messageId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE exchange_doc SET envelope = NULL WHERE message_id = ? AND NOT EXISTS "
                + "(SELECT 1 FROM exchange_delivery WHERE message_id = ? AND state IN ('PENDING', 'DELIVERED'))")) {
            ps.setString(1, messageId);
            ps.setString(2, messageId);
            ps.executeUpdate();
        }
    }

    public record Delivery(String messageId, String recipient, String box, State state, long updated, long lastSent, int attempts,
                           String reason) {
    }

    /** Every recipient still {@link State#PENDING} at {@code box}, oldest first: what a box that just connected gets. */
    static List<Delivery> pendingFor(Connection c, String box) throws SQLException {
        return deliveries(c, "state = 'PENDING' AND box = ?", List.of(box), Integer.MAX_VALUE);
    }

    static void insertDelivery(Connection c, String messageId, String recipient, String box, long at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO exchange_delivery (message_id, recipient, box, state, updated, "
                + "last_sent, attempts) VALUES (?,?,?,?,?,?,0)")) {
            ps.setString(1, messageId);
            ps.setString(2, recipient);
            ps.setString(3, box);
            ps.setString(4, State.PENDING.name());
            ps.setLong(5, at);
            ps.setLong(6, 0);
            ps.executeUpdate();
        }
    }

    static Optional<Delivery> delivery(Connection c, String messageId, String recipient) throws SQLException {
        List<Delivery> l = deliveries(c, "message_id = ? AND recipient = ?", List.of(messageId, recipient), 1);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    static List<Delivery> deliveries(Connection c, String where, List<?> args, int limit) throws SQLException {
        List<Delivery> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT message_id, recipient, box, state, updated, last_sent, attempts, reason "
                + "FROM exchange_delivery WHERE " + where + " ORDER BY updated LIMIT " + limit)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Delivery(rs.getString(1), rs.getString(2), rs.getString(3), State.valueOf(rs.getString(4)), rs.getLong(5),
                            rs.getLong(6), rs.getInt(7), rs.getString(8)));
                }
            }
        }
        return out;
    }

    static boolean setDelivery(Connection c, String messageId, String recipient, State from, State to, String reason, long at)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE exchange_delivery SET state = ?, reason = ?, updated = ? "
                + "WHERE message_id = ? AND recipient = ? AND state = ?")) {
            ps.setString(1, to.name());
            ps.setString(2, reason);
            ps.setLong(3, at);
            ps.setString(4, messageId);
            ps.setString(5, recipient);
            ps.setString(6, from.name());
            return ps.executeUpdate() == 1;
        }
    }

    /** Records a send of each delivery: attempts + 1, and when to send again if no answer comes ({@code nextSend}). */
    static void markSent(Connection c, List<Delivery> sent, long at, java.util.function.IntToLongFunction nextSend) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE exchange_delivery SET last_sent = ?, attempts = ?, next_send = ? "
                + "WHERE message_id = ? AND recipient = ? AND state = 'PENDING'")) {
            for (Delivery d : sent) {
                ps.setLong(1, at);
                ps.setInt(2, d.attempts() + 1);
                ps.setLong(3, nextSend.applyAsLong(d.attempts() + 1));
                ps.setString(4, d.messageId());
                ps.setString(5, d.recipient());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Pending deliveries due to be sent again ({@code next_send} before {@code now}) and not past their deadline, oldest due first. */
    static List<Delivery> due(Connection c, long now, int limit) throws SQLException {
        List<Delivery> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT message_id, recipient, box, state, updated, last_sent, attempts, reason "
                + "FROM exchange_delivery WHERE state = 'PENDING' AND next_send <= ? "
                // past its deadline a document is given up on (tick), not sent again
                + "AND message_id IN (SELECT message_id FROM exchange_doc WHERE deadline >= ?) ORDER BY next_send LIMIT " + limit)) {
            ps.setLong(1, now);
            ps.setLong(2, now);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Delivery(rs.getString(1), rs.getString(2), rs.getString(3), State.valueOf(rs.getString(4)), rs.getLong(5),
                            rs.getLong(6), rs.getInt(7), rs.getString(8)));
                }
            }
        }
        return out;
    }

    // ---- notices --------------------------------------------------------------------------

    public record Notice(String id, String box, String kind, String messageId, String recipient, String reason, byte[] body) {
    }

    static void insertNotice(Connection c, Notice n, long at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO exchange_notice (id, box, kind, message_id, recipient, reason, body, "
                + "created, last_sent) VALUES (?,?,?,?,?,?,?,?,0)")) {
            ps.setString(1, n.id());
            ps.setString(2, n.box());
            ps.setString(3, n.kind());
            ps.setString(4, n.messageId());
            ps.setString(5, n.recipient());
            ps.setString(6, n.reason());
            ps.setBytes(7, n.body());
            ps.setLong(8, at);
            ps.executeUpdate();
        }
    }

    /** A notice as stored, with how often it was sent. */
    record StoredNotice(Notice notice, int attempts) {
    }

    /**
     * Notices for {@code box} (every box when null) due to be sent ({@code next_send} at or before
     * {@code due}; {@link Long#MAX_VALUE}: all of them), oldest first.
     */
    static List<StoredNotice> notices(Connection c, String box, long due, int limit) throws SQLException {
        List<StoredNotice> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, box, kind, message_id, recipient, reason, body, attempts FROM exchange_notice "
                + "WHERE next_send <= ?" + (box == null ? "" : " AND box = ?") + " ORDER BY created LIMIT " + limit)) {
            ps.setLong(1, due);
            if (box != null) {
                ps.setString(2, box);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new StoredNotice(new Notice(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getBytes(7)), rs.getInt(8)));
                }
            }
        }
        return out;
    }

    /** Records a send of each notice: attempts + 1 and when to send it again if not acknowledged. */
    static void noticesSent(Connection c, List<StoredNotice> sent, long at, java.util.function.IntToLongFunction nextSend)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE exchange_notice SET last_sent = ?, attempts = ?, next_send = ? WHERE id = ?")) {
            for (StoredNotice n : sent) {
                ps.setLong(1, at);
                ps.setInt(2, n.attempts() + 1);
                ps.setLong(3, nextSend.applyAsLong(n.attempts() + 1));
                ps.setString(4, n.notice().id());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Deletes the notices a box acknowledged (only its own). */
    static int ackNotices(Connection c, String box, List<String> ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM exchange_notice WHERE id = ? AND box = ?")) {
            for (String id : ids) {
                ps.setString(1, id);
                ps.setString(2, box);
                ps.addBatch();
            }
            int n = 0;
            for (int r : ps.executeBatch()) {
                n += Math.max(r, 0);
            }
            return n;
        }
    }

    /** Forgets documents whose every recipient is final and which arrived before {@code before}. */
    int purge(long before) throws SQLException {
        return tx(c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM exchange_delivery WHERE message_id IN (SELECT message_id FROM "
                    + "exchange_doc WHERE received < ? AND envelope IS NULL)")) {
                ps.setLong(1, before);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM exchange_doc WHERE received < ? AND envelope IS NULL")) {
                ps.setLong(1, before);
                n = ps.executeUpdate();
            }
            return n;
        });
    }
}
