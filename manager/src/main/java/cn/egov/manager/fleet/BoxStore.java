package cn.egov.manager.fleet;




import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import cn.egov.manager.store.MetricsJson;

/**
 * The {@code boxes} table: one row per box, upserted with portable {@code ON CONFLICT}. A box's
 * last health figures are not copied here: they are the metrics of its last health sample
 * ({@code health_samples}, received at {@code last_health}), read back at start.
 */
public final class BoxStore {

    private static final String UPSERT = """
            INSERT INTO boxes (client_id, province, city, county, department, display_name, status, status_since,
              last_seen, last_health, health_interval_s, firmware_version, connection_ip, status_cause)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (client_id) DO UPDATE SET display_name = excluded.display_name, status = excluded.status,
              status_since = excluded.status_since, last_seen = excluded.last_seen, last_health = excluded.last_health,
              health_interval_s = excluded.health_interval_s, firmware_version = excluded.firmware_version,
              connection_ip = excluded.connection_ip, status_cause = excluded.status_cause
            """;

    private BoxStore() {
    }

    public static void upsert(Connection c, Collection<BoxState> states) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            // in client id order: writers on several nodes lock the same rows in the same order (no deadlock)
            for (BoxState b : states.stream().sorted(java.util.Comparator.comparing(BoxState::clientId)).toList()) {
                int i = 1;
                ps.setString(i++, b.clientId());
                ps.setString(i++, b.place().provinceCode());
                ps.setString(i++, b.place().cityCode());
                ps.setString(i++, b.place().countyCode());
                ps.setString(i++, b.place().department());
                ps.setString(i++, b.displayName());
                ps.setString(i++, b.status().name());
                ps.setLong(i++, b.statusSince());
                ps.setLong(i++, b.lastSeen());
                ps.setLong(i++, b.lastHealth());
                ps.setInt(i++, b.healthIntervalS());
                ps.setString(i++, b.firmwareVersion());
                ps.setString(i++, b.connectionIp());
                ps.setString(i, b.lastStatusCause());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Every stored box, with place names from {@code names} and the figures of its last health sample. */
    public static List<BoxState> loadAll(Connection c, PlaceNames names) throws SQLException {
        List<BoxState> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT b.client_id, b.display_name, b.status, b.status_since, b.last_seen,"
                + " b.last_health, b.health_interval_s, b.firmware_version, b.connection_ip,"
                + " (SELECT h.metrics_json FROM health_samples h WHERE h.client_id = b.client_id AND h.received = b.last_health"
                + " ORDER BY h.msg_seq DESC LIMIT 1), b.status_cause FROM boxes b");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String id = rs.getString(1);
                out.add(new BoxState(id, Place.of(cn.egov.rules.unit.UnitCode.parse(id), names), rs.getString(2),
                        BoxStatus.valueOf(rs.getString(3)), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getInt(7),
                        rs.getString(8), rs.getString(9), MetricsJson.read(rs.getString(10)), rs.getString(11)));
            }
        }
        return out;
    }
}
