package cn.egov.manager.update;

import cn.egov.api.update.UpdateWire.State;
import cn.egov.manager.fleet.BoxUpdateState;
import cn.egov.manager.fleet.BoxUpdates;
import cn.egov.manager.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pushes of box updates ({@code box_update_pushes}, step 2 of {@link BoxUpdateSigner#MIGRATIONS}):
 * one row per request sent to a box, its state as the box reports it (requested, downloading,
 * installing, then done, refused or rolled-back) and the box's last line. As {@link BoxUpdates} it
 * tells the fleet and NOC pages each box's newest push (by request time) with the update's version.
 */
public final class UpdatePushes implements BoxUpdates {

    /** One request and where it stands. */
    public record Push(String requestId, long serial, String unit, State state, String message, String requestedBy,
                       Instant requestedAt, Instant updatedAt) {
    }

    private final Database db;

    public UpdatePushes(Database db) {
        this.db = db;
    }

    void requested(Push p) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement ins = c.prepareStatement("INSERT INTO box_update_pushes (request_id, serial, unit, state, message, "
                     + "requested_by, requested_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ins.setString(1, p.requestId());
            ins.setLong(2, p.serial());
            ins.setString(3, p.unit());
            ins.setString(4, p.state().name());
            ins.setString(5, p.message());
            ins.setString(6, p.requestedBy());
            ins.setString(7, p.requestedAt().toString());
            ins.setString(8, p.updatedAt().toString());
            ins.executeUpdate();
        }
    }

    /**
     * Records a box's report on its own request (the unit must match: a box reports only on what it
     * was asked) unless the request has finished already (a report repeated by the outbox).
     *
     * @return false when there is no such unfinished request of this unit
     */
    boolean report(String unit, String requestId, long serial, State state, String message, Instant at) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement up = c.prepareStatement("UPDATE box_update_pushes SET state = ?, message = ?, updated_at = ? "
                     + "WHERE request_id = ? AND unit = ? AND serial = ? AND state NOT IN ('DONE', 'REFUSED', 'ROLLED_BACK')")) {
            up.setString(1, state.name());
            up.setString(2, message);
            up.setString(3, at.toString());
            up.setString(4, requestId);
            up.setString(5, unit);
            up.setLong(6, serial);
            return up.executeUpdate() == 1;
        }
    }

    /** True when {@code unit} was sent a request for update {@code serial} (it may download the file). */
    boolean requested(String unit, long serial) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement q = c.prepareStatement("SELECT 1 FROM box_update_pushes WHERE unit = ? AND serial = ?")) {
            q.setString(1, unit);
            q.setLong(2, serial);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static final String NEWEST = "SELECT p.unit, p.serial, u.version, p.state, p.message, p.requested_at, p.updated_at"
            + " FROM box_update_pushes p JOIN box_updates u ON u.serial = p.serial";

    @Override
    public Map<String, BoxUpdateState> newest() throws SQLException {
        return newest(NEWEST, null);
    }

    @Override
    public Optional<BoxUpdateState> newest(String unit) throws SQLException {
        return Optional.ofNullable(newest(NEWEST + " WHERE p.unit = ?", unit).get(unit));
    }

    /** The newest push per unit; by parsed request time (the stored ISO text does not sort by time: fractions vary in length). */
    private Map<String, BoxUpdateState> newest(String sql, String unit) throws SQLException {
        Map<String, BoxUpdateState> out = new HashMap<>();
        Map<String, Instant> at = new HashMap<>();
        try (Connection c = db.connect(); PreparedStatement q = c.prepareStatement(sql)) {
            if (unit != null) {
                q.setString(1, unit);
            }
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Instant requested = Instant.parse(rs.getString(6));
                    Instant before = at.get(rs.getString(1));
                    if (before == null || requested.isAfter(before)) {
                        at.put(rs.getString(1), requested);
                        out.put(rs.getString(1), new BoxUpdateState(rs.getLong(2), rs.getString(3), State.valueOf(rs.getString(4)),
                                rs.getString(5), Instant.parse(rs.getString(7))));
                    }
                }
            }
        }
        return out;
    }

    public Optional<Push> find(String requestId) throws SQLException {
        List<Push> l = query("WHERE request_id = ?", requestId, 1);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    /** The newest {@code limit} pushes, newest first. */
    public List<Push> recent(int limit) throws SQLException {
        return query("", null, limit);
    }

    private List<Push> query(String where, String arg, int limit) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement q = c.prepareStatement("SELECT request_id, serial, unit, state, message, requested_by, requested_at, updated_at "
                     + "FROM box_update_pushes " + where + " ORDER BY requested_at DESC, unit LIMIT " + limit)) {
            if (arg != null) {
                q.setString(1, arg);
            }
            List<Push> out = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(new Push(rs.getString(1), rs.getLong(2), rs.getString(3), State.valueOf(rs.getString(4)), rs.getString(5),
                            rs.getString(6), Instant.parse(rs.getString(7)), Instant.parse(rs.getString(8))));
                }
            }
            return out;
        }
    }
}
