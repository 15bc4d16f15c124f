package cn.egov.manager.plan;

import cn.egov.api.telemetry.AddressPlanMetrics;
import cn.egov.manager.store.Database;
import cn.egov.manager.store.MetricsJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the boxes' {@code ADDRESSPLAN} reports from the manager's generic telemetry table, where
 * ingestion stores them (client id = the authenticated box, so a box can only report for itself).
 */
public final class PlanReportReader {

    private final Database database;

    public PlanReportReader(Database database) {
        this.database = database;
    }

    /** Every report received since {@code sinceMillis}. */
    public List<PlanReport> since(long sinceMillis) throws SQLException {
        List<PlanReport> out = new ArrayList<>();
        try (Connection c = database.connect();
             PreparedStatement ps = c.prepareStatement("SELECT client_id, resource, ts, received, metrics_json FROM telemetry"
                     + " WHERE app_id = ? AND received >= ? ORDER BY received")) {
            ps.setString(1, AddressPlanMetrics.APP);
            ps.setLong(2, sinceMillis);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long ts = rs.getLong(3);
                    out.add(new PlanReport(rs.getString(1), rs.getString(2), rs.wasNull() ? rs.getLong(4) : ts,
                            MetricsJson.read(rs.getString(5))));
                }
            }
        }
        return out;
    }
}
