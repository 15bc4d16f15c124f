package cn.egov.exchange.store;

import cn.egov.exchange.cms.PartDigest;
import cn.egov.exchange.model.Document;
import cn.egov.exchange.model.DocumentMeta;
import cn.egov.exchange.model.Part;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The box's exchange store (SQLite, WAL, synchronous FULL: a document is on disk before the clerk
 * is told it was accepted, also across a power cut). One connection, one writer at a time.
 *
 * <p>Tables: {@code outgoing} (a sent document and its envelope) with {@code outgoing_recipient}
 * (each recipient's {@link DeliveryState} and receipt); {@code incoming} (documents for the units
 * of this box; its primary key (message id, recipient) is the duplicate store) with
 * {@code incoming_part} (the opened files); {@code directory} (recipients' encryption certificates,
 * cached for offline use).
 */
public final class ExchangeStore implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] SCHEMA = {
        """
        CREATE TABLE IF NOT EXISTS outgoing (message_id TEXT PRIMARY KEY, issuer TEXT NOT NULL, doc_number TEXT NOT NULL,
            title TEXT NOT NULL, urgency TEXT NOT NULL, deadline INTEGER NOT NULL, created INTEGER NOT NULL, size INTEGER NOT NULL,
            digests TEXT NOT NULL, fingerprint TEXT NOT NULL, remote_recipients TEXT NOT NULL, envelope BLOB NOT NULL,
            handed_off INTEGER NOT NULL DEFAULT 0)""",
        """
        CREATE TABLE IF NOT EXISTS outgoing_recipient (message_id TEXT NOT NULL, recipient TEXT NOT NULL, state TEXT NOT NULL,
            reason TEXT, updated INTEGER NOT NULL, receipt BLOB, PRIMARY KEY (message_id, recipient))""",
        "CREATE INDEX IF NOT EXISTS outgoing_recipient_state ON outgoing_recipient (state)",
        """
        CREATE TABLE IF NOT EXISTS incoming (message_id TEXT NOT NULL, recipient TEXT NOT NULL, issuer TEXT NOT NULL,
            received INTEGER NOT NULL, state TEXT NOT NULL, reason TEXT, envelope BLOB, doc_number TEXT, title TEXT,
            urgency TEXT, deadline INTEGER, created INTEGER, receipt BLOB, PRIMARY KEY (message_id, recipient))""",
        "CREATE INDEX IF NOT EXISTS incoming_state ON incoming (state, received)",
        """
        CREATE TABLE IF NOT EXISTS incoming_part (message_id TEXT NOT NULL, recipient TEXT NOT NULL, idx INTEGER NOT NULL,
            name TEXT NOT NULL, media_type TEXT NOT NULL, content BLOB NOT NULL, PRIMARY KEY (message_id, recipient, idx))""",
        """
        CREATE TABLE IF NOT EXISTS directory (unit TEXT PRIMARY KEY, box TEXT NOT NULL, certificate BLOB NOT NULL,
            updated INTEGER NOT NULL)"""
    };

    private final Connection c;
    /**
     * A second connection for the transfers' reads ({@link #holds}, {@link #pendingUploads},
     * {@link #outgoingEnvelope}): WAL lets it read what is committed while a long transaction writes.
     */
    private final Connection reader;
    private final Path file;

    private ExchangeStore(Connection c, Connection reader, Path file) {
        this.c = c;
        this.reader = reader;
        this.file = file;
    }

    public static ExchangeStore open(Path file) throws SQLException {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new SQLException("cannot create the folder of " + file + ": " + e.getMessage(), e);
        }
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=FULL");
            s.execute("PRAGMA busy_timeout=10000");
            for (String sql : SCHEMA) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            c.close();
            throw new SQLException("exchange store " + file + " cannot be opened (damaged or not a database?): " + e.getMessage(), e);
        }
        Connection reader = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = reader.createStatement()) {
            s.execute("PRAGMA busy_timeout=10000");
        }
        return new ExchangeStore(c, reader, file);
    }

    /**
     * Whether document {@code messageId} is stored for {@code recipient}: read on a connection of its
     * own (committed state only), so a fetch thread does not wait for the worker's transaction.
     */
    public boolean holds(String messageId, String recipient) throws SQLException {
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement("SELECT 1 FROM incoming WHERE message_id = ? AND recipient = ?")) {
                ps.setString(1, messageId);
                ps.setString(2, recipient);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        }
    }

    public Path file() {
        return file;
    }

    // ---- outgoing -------------------------------------------------------------------------

    /** The fingerprint a message id was first sent with, if it was. */
    public synchronized Optional<String> fingerprint(String messageId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT fingerprint FROM outgoing WHERE message_id = ?")) {
            ps.setString(1, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** Stores a sent document and every recipient as {@link DeliveryState#QUEUED}, in one transaction. */
    public synchronized void insertOutgoing(DocumentMeta m, long size, List<PartDigest> digests, String fingerprint,
                                            List<String> remoteRecipients, byte[] envelope) throws SQLException {
        inTx(() -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO outgoing (message_id, issuer, doc_number, title, urgency, "
                    + "deadline, created, size, digests, fingerprint, remote_recipients, envelope) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
                ps.setString(1, m.messageId());
                ps.setString(2, m.issuer().toString());
                ps.setString(3, m.docNumber());
                ps.setString(4, m.title());
                ps.setString(5, m.urgency().name());
                ps.setLong(6, m.deadline().toEpochMilli());
                ps.setLong(7, m.created().toEpochMilli());
                ps.setLong(8, size);
                ps.setString(9, json(digests));
                ps.setString(10, fingerprint);
                ps.setString(11, String.join(",", remoteRecipients));
                ps.setBytes(12, envelope);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO outgoing_recipient (message_id, recipient, state, updated) VALUES (?,?,?,?)")) {
                for (var r : m.recipients()) {
                    ps.setString(1, m.messageId());
                    ps.setString(2, r.toString());
                    ps.setString(3, DeliveryState.QUEUED.name());
                    ps.setLong(4, m.created().toEpochMilli());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** A document waiting for the hub's answer to its upload (its envelope: {@link #outgoingEnvelope}). */
    public record Unsent(String messageId, String issuer, List<String> remoteRecipients, String urgency, Instant deadline) {
    }

    /**
     * Up to {@code limit} documents the hub has not answered yet, for recipients still QUEUED here:
     * 特急 first, then 加急, then 平件, oldest first within each. Read on the reader connection
     * (committed state), so the uploader does not wait for the worker's transactions.
     */
    public List<Unsent> pendingUploads(int limit) throws SQLException {
        List<Unsent> out = new ArrayList<>();
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement("SELECT message_id, issuer, remote_recipients, urgency, deadline FROM outgoing o "
                    + "WHERE handed_off = 0 AND remote_recipients <> '' AND EXISTS (SELECT 1 FROM outgoing_recipient r "
                    + "WHERE r.message_id = o.message_id AND r.state = 'QUEUED') "
                    + "ORDER BY CASE urgency WHEN 'EXTRA_URGENT' THEN 0 WHEN 'URGENT' THEN 1 ELSE 2 END, created LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Unsent(rs.getString(1), rs.getString(2), List.of(rs.getString(3).split(",")), rs.getString(4),
                                Instant.ofEpochMilli(rs.getLong(5))));
                    }
                }
            }
        }
        return out;
    }

    /** The sealed envelope of a document this box sent (read beside the writer, like {@link #pendingUploads}). */
    public byte[] outgoingEnvelope(String messageId) throws SQLException {
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement("SELECT envelope FROM outgoing WHERE message_id = ?")) {
                ps.setString(1, messageId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("no outgoing document " + messageId);
                    }
                    return rs.getBytes(1);
                }
            }
        }
    }

    public synchronized void markHandedOff(String messageId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE outgoing SET handed_off = 1 WHERE message_id = ?")) {
            ps.setString(1, messageId);
            ps.executeUpdate();
        }
    }

    /**
     * Moves one recipient of a sent document forward.
     *
     * @param receipt the verified receipt, for {@link DeliveryState#RECEIVED}
     * @return false when the state may not follow the current one (already further, or unknown message)
     */
    public synchronized boolean advance(String messageId, String recipient, DeliveryState next, String reason, byte[] receipt,
                                        Instant at) throws SQLException {
        Optional<DeliveryState> current = state(messageId, recipient);
        if (current.isEmpty() || !current.get().mayBecome(next)) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE outgoing_recipient SET state = ?, reason = ?, updated = ?, "
                + "receipt = COALESCE(?, receipt) WHERE message_id = ? AND recipient = ? AND state = ?")) {
            ps.setString(1, next.name());
            ps.setString(2, reason);
            ps.setLong(3, at.toEpochMilli());
            ps.setBytes(4, receipt);
            ps.setString(5, messageId);
            ps.setString(6, recipient);
            ps.setString(7, current.get().name());
            return ps.executeUpdate() == 1;
        }
    }

    public synchronized Optional<DeliveryState> state(String messageId, String recipient) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT state FROM outgoing_recipient WHERE message_id = ? AND recipient = ?")) {
            ps.setString(1, messageId);
            ps.setString(2, recipient);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(DeliveryState.valueOf(rs.getString(1))) : Optional.empty();
            }
        }
    }

    /** Recipients still {@link DeliveryState#QUEUED} whose document's deadline is before {@code now}. */
    public synchronized List<String[]> queuedPastDeadline(Instant now) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT r.message_id, r.recipient FROM outgoing_recipient r "
                + "JOIN outgoing o ON o.message_id = r.message_id WHERE r.state = 'QUEUED' AND o.deadline < ?")) {
            ps.setLong(1, now.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        return out;
    }

    public synchronized Optional<OutgoingRecord> outgoing(String messageId) throws SQLException {
        List<OutgoingRecord> l = outgoingWhere("o.message_id = ?", List.of(messageId), 1);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    /** A LIKE pattern for text typed by a clerk: its % and _ are the characters, not wildcards. */
    private static String containing(String text) {
        return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    /** Newest first, sent by one of {@code issuers}, at most {@code limit}. */
    public synchronized List<OutgoingRecord> outbox(Collection<String> issuers, String text, int limit) throws SQLException {
        List<Object> args = new ArrayList<>(issuers);
        String where = "o.issuer IN (" + "?,".repeat(issuers.size()).replaceAll(",$", "") + ")";
        if (text != null && !text.isBlank()) {
            where += " AND (o.title LIKE ? ESCAPE '\\' OR o.doc_number LIKE ? ESCAPE '\\' OR o.message_id = ?)";
            args.add(containing(text));
            args.add(containing(text));
            args.add(text);
        }
        return outgoingWhere(where, args, limit);
    }

    private List<OutgoingRecord> outgoingWhere(String where, List<?> args, int limit) throws SQLException {
        Map<String, OutgoingRecord> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT o.message_id, o.issuer, o.doc_number, o.title, o.urgency, o.deadline, "
                + "o.created, o.size, o.digests FROM outgoing o WHERE " + where + " ORDER BY o.created DESC LIMIT " + limit)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new OutgoingRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)), rs.getLong(8),
                            digests(rs.getString(9)), new LinkedHashMap<>()));
                }
            }
        }
        if (out.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT message_id, recipient, state, reason, updated, receipt IS NOT NULL "
                + "FROM outgoing_recipient WHERE message_id IN (" + "?,".repeat(out.size()).replaceAll(",$", "") + ") ORDER BY recipient")) {
            bind(ps, new ArrayList<>(out.keySet()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.get(rs.getString(1)).recipients().put(rs.getString(2), new OutgoingRecord.RecipientStatus(
                            DeliveryState.valueOf(rs.getString(3)), rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)), rs.getBoolean(6)));
                }
            }
        }
        return List.copyOf(out.values());
    }

    public synchronized Optional<byte[]> receipt(String messageId, String recipient) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT receipt FROM outgoing_recipient WHERE message_id = ? AND recipient = ?")) {
            ps.setString(1, messageId);
            ps.setString(2, recipient);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getBytes(1)) : Optional.empty();
            }
        }
    }

    /** Counts of recipients per state over all sent documents. */
    public synchronized Map<DeliveryState, Long> outgoingCounts() throws SQLException {
        Map<DeliveryState, Long> m = new LinkedHashMap<>();
        for (DeliveryState s : DeliveryState.values()) {
            m.put(s, 0L);
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT state, COUNT(*) FROM outgoing_recipient GROUP BY state")) {
            while (rs.next()) {
                m.put(DeliveryState.valueOf(rs.getString(1)), rs.getLong(2));
            }
        }
        return m;
    }

    // ---- incoming -------------------------------------------------------------------------

    public synchronized Optional<IncomingRecord> incoming(String messageId, String recipient) throws SQLException {
        List<IncomingRecord> l = incomingWhere("message_id = ? AND recipient = ?", List.of(messageId, recipient), 1);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    /**
     * Stores an arriving document as {@link InboxState#STORED} unless (message id, recipient) is
     * known: the duplicate check and the store are one statement.
     *
     * @param envelope the envelope, or null when the document is opened (or refused) in the same transaction
     * @return true when it was new
     */
    public synchronized boolean insertIncoming(String messageId, String recipient, String issuer, byte[] envelope, Instant at)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO incoming (message_id, recipient, issuer, received, "
                + "state, envelope) VALUES (?,?,?,?,?,?)")) {
            ps.setString(1, messageId);
            ps.setString(2, recipient);
            ps.setString(3, issuer);
            ps.setLong(4, at.toEpochMilli());
            ps.setString(5, InboxState.STORED.name());
            ps.setBytes(6, envelope);
            return ps.executeUpdate() == 1;
        }
    }

    /** Stored documents not yet opened (the box stopped in between), oldest first. */
    public synchronized List<String[]> unopened() throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT message_id, recipient FROM incoming WHERE state = 'STORED' ORDER BY received")) {
            while (rs.next()) {
                out.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        return out;
    }

    public synchronized byte[] envelope(String messageId, String recipient) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT envelope FROM incoming WHERE message_id = ? AND recipient = ?")) {
            ps.setString(1, messageId);
            ps.setString(2, recipient);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }

    /** The opened document, its files and the receipt sent for it, in one transaction; the envelope is dropped. */
    public synchronized void markReceived(String recipient, Document doc, byte[] receipt) throws SQLException {
        DocumentMeta m = doc.meta();
        inTx(() -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE incoming SET state = 'RECEIVED', envelope = NULL, doc_number = ?, "
                    + "title = ?, urgency = ?, deadline = ?, created = ?, receipt = ? WHERE message_id = ? AND recipient = ? AND state = 'STORED'")) {
                ps.setString(1, m.docNumber());
                ps.setString(2, m.title());
                ps.setString(3, m.urgency().name());
                ps.setLong(4, m.deadline().toEpochMilli());
                ps.setLong(5, m.created().toEpochMilli());
                ps.setBytes(6, receipt);
                ps.setString(7, m.messageId());
                ps.setString(8, recipient);
                if (ps.executeUpdate() != 1) {
                    throw new SQLException("document " + m.messageId() + " for " + recipient + " is not waiting to be opened");
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO incoming_part (message_id, recipient, idx, name, media_type, content) VALUES (?,?,?,?,?,?)")) {
                int i = 0;
                for (Part p : doc.parts()) {
                    ps.setString(1, m.messageId());
                    ps.setString(2, recipient);
                    ps.setInt(3, i++);
                    ps.setString(4, p.name());
                    ps.setString(5, p.mediaType());
                    ps.setBytes(6, p.content());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    public synchronized void markFailed(String messageId, String recipient, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE incoming SET state = 'FAILED', reason = ?, envelope = NULL "
                + "WHERE message_id = ? AND recipient = ? AND state = 'STORED'")) {
            ps.setString(1, reason);
            ps.setString(2, messageId);
            ps.setString(3, recipient);
            ps.executeUpdate();
        }
    }

    public synchronized Optional<byte[]> incomingReceipt(String messageId, String recipient) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT receipt FROM incoming WHERE message_id = ? AND recipient = ?")) {
            ps.setString(1, messageId);
            ps.setString(2, recipient);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getBytes(1)) : Optional.empty();
            }
        }
    }

    /** Newest first, for the given recipient units; {@code text} searches title, 文号 and message id. */
    public synchronized List<IncomingRecord> inbox(Collection<String> recipients, String text, int limit) throws SQLException {
        List<Object> args = new ArrayList<>(recipients);
        String where = "recipient IN (" + "?,".repeat(recipients.size()).replaceAll(",$", "") + ")";
        if (text != null && !text.isBlank()) {
            where += " AND (title LIKE ? ESCAPE '\\' OR doc_number LIKE ? ESCAPE '\\' OR message_id = ?)";
            args.add(containing(text));
            args.add(containing(text));
            args.add(text);
        }
        return incomingWhere(where, args, limit);
    }

    private List<IncomingRecord> incomingWhere(String where, List<?> args, int limit) throws SQLException {
        List<IncomingRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT message_id, recipient, issuer, state, reason, received, doc_number, "
                + "title, urgency, deadline, created FROM incoming WHERE " + where + " ORDER BY received DESC LIMIT " + limit)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new IncomingRecord(rs.getString(1), rs.getString(2), rs.getString(3), InboxState.valueOf(rs.getString(4)),
                            rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)), rs.getString(7), rs.getString(8), rs.getString(9),
                            instant(rs, 10), instant(rs, 11)));
                }
            }
        }
        return out;
    }

    public synchronized List<Part> parts(String messageId, String recipient) throws SQLException {
        List<Part> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name, media_type, content FROM incoming_part "
                + "WHERE message_id = ? AND recipient = ? ORDER BY idx")) {
            ps.setString(1, messageId);
            ps.setString(2, recipient);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Part(rs.getString(1), rs.getString(2), rs.getBytes(3)));
                }
            }
        }
        return out;
    }

    /** Deletes refusals older than {@code before} (a duplicate after that is checked again, and refused again). */
    public synchronized int purgeFailed(Instant before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM incoming WHERE state = 'FAILED' AND received < ?")) {
            ps.setLong(1, before.toEpochMilli());
            return ps.executeUpdate();
        }
    }

    // ---- directory ------------------------------------------------------------------------

    /** A unit known to the exchange: the box that serves it and its encryption certificate. */
    public record DirectoryEntry(String unit, String box, byte[] certificate) {
    }

    /** Replaces the directory (the hub sends it whole). */
    public synchronized void replaceDirectory(List<DirectoryEntry> entries, Instant at) throws SQLException {
        inTx(() -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM directory");
            }
            upsert(entries, at);
            return null;
        });
    }

    public synchronized void putDirectory(List<DirectoryEntry> entries, Instant at) throws SQLException {
        inTx(() -> {
            upsert(entries, at);
            return null;
        });
    }

    private void upsert(List<DirectoryEntry> entries, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO directory (unit, box, certificate, updated) VALUES (?,?,?,?)")) {
            for (DirectoryEntry e : entries) {
                ps.setString(1, e.unit());
                ps.setString(2, e.box());
                ps.setBytes(3, e.certificate());
                ps.setLong(4, at.toEpochMilli());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    public synchronized Optional<DirectoryEntry> directory(String unit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT unit, box, certificate FROM directory WHERE unit = ?")) {
            ps.setString(1, unit);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new DirectoryEntry(rs.getString(1), rs.getString(2), rs.getBytes(3))) : Optional.empty();
            }
        }
    }

    public synchronized List<String> directoryUnits() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT unit FROM directory ORDER BY unit")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    // ---- helpers --------------------------------------------------------------------------

    /** Work on the store inside one transaction. */
    public interface Work<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} as one transaction: what it stores is committed together (one disk sync for
     * a whole batch), or not at all. Store calls made inside join it; other threads wait.
     */
    public synchronized <T> T transaction(Work<T> work) throws SQLException {
        return inTx(work);
    }

    private <T> T inTx(Work<T> w) throws SQLException {
        if (!c.getAutoCommit()) {
            return w.run(); // inside transaction(): its commit covers this work
        }
        c.setAutoCommit(false);
        try {
            T t = w.run();
            c.commit();
            return t;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static void bind(PreparedStatement ps, List<?> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            ps.setObject(i + 1, args.get(i));
        }
    }

    private static Instant instant(ResultSet rs, int col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static String json(List<PartDigest> digests) {
        try {
            return JSON.writeValueAsString(digests);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<PartDigest> digests(String json) {
        try {
            return JSON.readValue(json, new TypeReference<List<PartDigest>>() { });
        } catch (IOException e) {
            throw new IllegalStateException("stored digests cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() throws SQLException {
        synchronized (reader) {
            reader.close();
        }
        c.close();
    }
}
