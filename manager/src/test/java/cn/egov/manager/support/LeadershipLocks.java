package cn.egov.manager.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** What the manager nodes' leadership sessions hold in PostgreSQL, as an operator would look it up. */
public final class LeadershipLocks {

    private static final String SESSION_PREFIX = "egov-manager leadership ";

    private LeadershipLocks() {
    }

    /** Advisory locks granted in the database, counted by the node whose leadership session holds them. */
    public static Map<String, Integer> holders(String url, PostgresServer pg) {
        Map<String, Integer> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url, PostgresServer.USER, pg.password());
             PreparedStatement ps = c.prepareStatement("SELECT a.application_name, COUNT(*) FROM pg_locks l"
                     + " JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted"
                     + " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                     + " AND a.application_name LIKE '" + SESSION_PREFIX + "%' GROUP BY a.application_name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1).replace(SESSION_PREFIX, ""), rs.getInt(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
