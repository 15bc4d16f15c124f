package cn.egov.manager.fleet;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import cn.egov.manager.store.MetricsJson;
import cn.egov.manager.store.MultiRowInsert;

/**
 * The {@code boxes} table: one row per box, upserted with portable {@code ON CONFLICT}. A box's
 * last health figures are not copied here: they are the metrics of its last health sample
 * ({@code health_samples}, received at {@code last_health}), read back at start. With several
 * manager nodes on one database this table is the province's view of the fleet: a row's last-seen
 * and last-health times never go back (a node storing a box's older messages late does not undo
 * what another node stored), the MISSING verdict is judged on the rows ({@link #markMissing}), and
 * each node takes over what the others changed ({@link #loadChangedSince}).
 */
public final class BoxStore {

    /** The conflict clause's four parameters are {@link FleetChanges#NO_BIRTH_CAUSE}. */
    private static final MultiRowInsert UPSERT = new MultiRowInsert("boxes",
            List.of("client_id", "province", "city", "county", "department", "display_name", "status", "status_since",
                    "last_seen", "last_health", "health_interval_s", "firmware_version", "connection_ip", "status_cause"),
            new int[] {Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR,
                Types.BIGINT, Types.BIGINT, Types.BIGINT, Types.INTEGER, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR}, """
             ON CONFLICT (client_id) DO UPDATE SET
              display_name = CASE WHEN excluded.status_cause = ? THEN boxes.display_name ELSE excluded.display_name END,
              status = excluded.status, status_since = excluded.status_since,
              last_seen = CASE WHEN excluded.last_seen > boxes.last_seen THEN excluded.last_seen ELSE boxes.last_seen END,
              last_health = CASE WHEN excluded.last_health > boxes.last_health THEN excluded.last_health ELSE boxes.last_health END,
              health_interval_s = CASE WHEN excluded.status_cause = ? THEN boxes.health_interval_s ELSE excluded.health_interval_s END,
              firmware_version = CASE WHEN excluded.status_cause = ? THEN boxes.firmware_version ELSE excluded.firmware_version END,
              connection_ip = CASE WHEN excluded.status_cause = ? THEN boxes.connection_ip ELSE excluded.connection_ip END,
              status_cause = excluded.status_cause
            """);

    private BoxStore() {
    }

    /** Writes the states, at most one per box (one statement may not update a row twice). */
    public static void upsert(Connection c, Collection<BoxState> states) throws SQLException {
        // in client id order: writers on several nodes lock the same rows in the same order (no deadlock)
        List<Object[]> rows = states.stream().sorted(java.util.Comparator.comparing(BoxState::clientId))
                .map(b -> new Object[] {b.clientId(), b.place().provinceCode(), b.place().cityCode(), b.place().countyCode(),
                    b.place().department(), b.displayName(), b.status().name(), b.statusSince(), b.lastSeen(), b.lastHealth(),
                    b.healthIntervalS(), b.firmwareVersion(), b.connectionIp(), b.lastStatusCause()})
                .toList();
        // A state this node made up from a message without having seen the box's BIRTH (several
        // nodes: the BIRTH went to another one) does not overwrite what a BIRTH stored in the row
        UPSERT.run(c, rows, java.util.Collections.nCopies(4, FleetChanges.NO_BIRTH_CAUSE), null);
    }

    private static final String COLUMNS = "SELECT b.client_id, b.display_name, b.status, b.status_since, b.last_seen,"
            + " b.last_health, b.health_interval_s, b.firmware_version, b.connection_ip, b.status_cause";
    /** The metrics of a box's health sample received at a time (its last health): its figures. */
    private static final String FIGURES = "SELECT h.metrics_json FROM health_samples h WHERE h.client_id = %s AND h.received = %s"
            + " ORDER BY h.msg_seq DESC LIMIT 1";
    private static final String SELECT = COLUMNS + ", (" + FIGURES.formatted("b.client_id", "b.last_health") + ") FROM boxes b";

    /** Every stored box, with place names from {@code names} and the figures of its last health sample. */
    public static List<BoxState> loadAll(Connection c, PlaceNames names) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT)) {
            return read(ps, names);
        }
    }

    /**
     * The boxes whose row changed at or after {@code since} (ms), a message stored or a status
     * changed, and is not the state {@code known} gives for it (with one node: all it stored
     * itself). The figures of the last health sample are read only for a box whose last health
     * time is not the known one: a storm changes every box between two takings-over, and reading
     * and parsing 10,000 boxes' figures each time held the registry, so the ingest writer, ~0.2 s.
     *
     * @param known the state held for a client id, or null
     */
    public static List<BoxState> loadChangedSince(Connection c, PlaceNames names, long since, Function<String, BoxState> known)
            throws SQLException {
        List<BoxState> changed = new ArrayList<>();
        List<BoxState> withoutFigures = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(COLUMNS + " FROM boxes b WHERE b.last_seen >= ? OR b.status_since >= ?")) {
            ps.setLong(1, since);
            ps.setLong(2, since);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    BoxState held = known.apply(rs.getString(1));
                    if (held != null && held.lastHealth() == rs.getLong(6)) {
                        BoxState stored = state(rs, names, held.healthFigures());
                        if (!stored.equals(held)) {
                            changed.add(stored);
                        }
                    } else {
                        withoutFigures.add(state(rs, names, Map.of()));
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(FIGURES.formatted("?", "?"))) {
            for (BoxState b : withoutFigures) {
                ps.setString(1, b.clientId());
                ps.setLong(2, b.lastHealth());
                try (ResultSet rs = ps.executeQuery()) {
                    Map<String, Object> figures = rs.next() ? MetricsJson.read(rs.getString(1)) : Map.of();
                    changed.add(new BoxState(b.clientId(), b.place(), b.displayName(), b.status(), b.statusSince(), b.lastSeen(),
                            b.lastHealth(), b.healthIntervalS(), b.firmwareVersion(), b.connectionIp(), figures, b.lastStatusCause()));
                }
            }
        }
        return changed;
    }

    /**
     * A CONNECTED box whose stored health was overdue when read, with the row's times as read.
     *
     * @param cause the MISSING cause to record
     */
    public record Overdue(String clientId, long statusSince, long lastHealth, String cause) {
    }

    /**
     * The CONNECTED boxes whose stored health is overdue by {@code rule} at {@code now}, in client id
     * order (rows locked in one order on every node). Only reads: the MISSING watch runs it outside
     * the fleet registry's lock and marks with {@link #markMissing}, which changes a row only if it is
     * still as read here.
     */
    public static List<Overdue> overdue(Connection c, MissingRule rule, long now) throws SQLException {
        List<Overdue> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT client_id, status_since, COALESCE(last_health, 0), health_interval_s"
                + " FROM boxes WHERE status = 'CONNECTED' ORDER BY client_id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long since = rs.getLong(2);
                long health = rs.getLong(3);
                Optional<String> cause = rule.overdue(since, health, rs.getInt(4), now);
                if (cause.isPresent()) {
                    out.add(new Overdue(rs.getString(1), since, health, cause.get()));
                }
            }
        }
        return out;
    }

    /**
     * Marks the {@code overdue} boxes MISSING at {@code now}, in one transaction, and returns the
     * boxes marked. The verdict is the rows', whichever node stored the box's messages; a row changes
     * only if it is still as {@link #overdue} read it, so a health another node stores meanwhile wins
     * and two nodes never mark one box twice.
     */
    public static List<BoxState> markMissing(Connection c, PlaceNames names, List<Overdue> overdue, long now) throws SQLException {
        if (overdue.isEmpty()) {
            return List.of();
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            Set<String> marked = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("UPDATE boxes SET status = 'MISSING', status_since = ?, status_cause = ?"
                    + " WHERE client_id = ? AND status = 'CONNECTED' AND status_since = ? AND COALESCE(last_health, 0) = ?")) {
                for (Overdue o : overdue) {
                    ps.setLong(1, now);
                    ps.setString(2, o.cause());
                    ps.setString(3, o.clientId());
                    ps.setLong(4, o.statusSince());
                    ps.setLong(5, o.lastHealth());
                    if (ps.executeUpdate() == 1) {
                        marked.add(o.clientId());
                    }
                }
            }
            List<BoxState> out = new ArrayList<>();
            if (!marked.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE b.status = 'MISSING' AND b.status_since = ?")) {
                    ps.setLong(1, now);
                    read(ps, names).stream().filter(b -> marked.contains(b.clientId())).forEach(out::add);
                }
            }
            c.commit();
            return out;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private static List<BoxState> read(PreparedStatement ps, PlaceNames names) throws SQLException {
        List<BoxState> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(state(rs, names, MetricsJson.read(rs.getString(11))));
            }
        }
        return out;
    }

    /** The state in a row of {@link #COLUMNS}, with these figures. */
    private static BoxState state(ResultSet rs, PlaceNames names, Map<String, Object> figures) throws SQLException {
        String id = rs.getString(1);
        return new BoxState(id, Place.of(cn.egov.rules.unit.UnitCode.parse(id), names), rs.getString(2),
                BoxStatus.valueOf(rs.getString(3)), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getInt(7),
                rs.getString(8), rs.getString(9), figures, rs.getString(10));
    }
}
