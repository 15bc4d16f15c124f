package cn.egov.manager.exchange;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the NOC sees of the exchange: volumes by city and county, what is undelivered, the oldest waiting. */
final class HubQueries {

    private final HubStore store;

    HubQueries(HubStore store) {
        this.store = store;
    }

    /** Documents sent and received per county (and its city) since {@code since}. */
    record Volume(String county, String city, long sent, long received, long undelivered) {
    }

    /** A recipient still waiting, or given up on. */
    record Waiting(String messageId, String issuer, String recipient, String box, String state, long since, int attempts, long deadline,
                   String reason) {
    }

    List<Volume> volumes(long since) throws SQLException {
        Map<String, long[]> counts = new LinkedHashMap<>();
        try (Connection c = store.database().connect()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT substr(issuer, 1, 6), COUNT(*) FROM exchange_doc WHERE received >= ? "
                    + "AND refused IS NULL GROUP BY substr(issuer, 1, 6)")) {
                ps.setLong(1, since);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        counts.computeIfAbsent(rs.getString(1), k -> new long[3])[0] = rs.getLong(2);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT substr(d.recipient, 1, 6), SUM(CASE WHEN d.state = 'RECEIVED' THEN 1 ELSE 0 END), "
                    + "SUM(CASE WHEN d.state IN ('PENDING', 'UNDELIVERABLE') THEN 1 ELSE 0 END) FROM exchange_delivery d "
                    + "JOIN exchange_doc o ON o.message_id = d.message_id WHERE o.received >= ? GROUP BY substr(d.recipient, 1, 6)")) {
                ps.setLong(1, since);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long[] v = counts.computeIfAbsent(rs.getString(1), k -> new long[3]);
                        v[1] = rs.getLong(2);
                        v[2] = rs.getLong(3);
                    }
                }
            }
        }
        List<Volume> out = new ArrayList<>();
        counts.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> out.add(new Volume(e.getKey(),
                e.getKey().length() >= 4 ? e.getKey().substring(0, 4) : e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2])));
        return out;
    }

    /** Recipients not yet final, oldest first, then those given up on. */
    List<Waiting> waiting(int limit) throws SQLException {
        List<Waiting> out = new ArrayList<>();
        try (Connection c = store.database().connect();
             PreparedStatement ps = c.prepareStatement("SELECT d.message_id, o.issuer, d.recipient, d.box, d.state, o.received, d.attempts, "
                     + "o.deadline, d.reason FROM exchange_delivery d JOIN exchange_doc o ON o.message_id = d.message_id "
                     + "WHERE d.state IN ('PENDING', 'DELIVERED', 'UNDELIVERABLE') "
                     + "ORDER BY CASE WHEN d.state = 'UNDELIVERABLE' THEN 1 ELSE 0 END, o.received LIMIT " + limit)) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Waiting(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getLong(6),
                            rs.getInt(7), rs.getLong(8), rs.getString(9)));
                }
            }
        }
        return out;
    }

    /** Totals per state of every recipient the hub knows. */
    Map<String, Long> totals() throws SQLException {
        Map<String, Long> m = new LinkedHashMap<>();
        for (HubStore.State s : HubStore.State.values()) {
            m.put(s.name(), 0L);
        }
        try (Connection c = store.database().connect();
             PreparedStatement ps = c.prepareStatement("SELECT state, COUNT(*) FROM exchange_delivery GROUP BY state");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                m.put(rs.getString(1), rs.getLong(2));
            }
        }
        return m;
    }
}
