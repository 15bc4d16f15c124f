package cn.egov.manager.duty;

import cn.egov.api.duty.DutyTopics;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.ingest.IngestRecord;
import cn.egov.manager.ingest.TelemetryListener;
import cn.egov.manager.store.Database;
import cn.egov.manager.store.MetricsJson;
import cn.egov.rules.unit.UnitCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the boxes' {@code DUTY/report} and {@code DUTY/roster} messages to the {@link DutyOffice}
 * in the order ingest stored them (called on the ingest writer after each commit; one short
 * transaction per report). At start, {@link #catchUp} takes in reports the ingest log holds but the
 * office never saw (the manager stopped between the two).
 */
final class DutyIntake implements TelemetryListener {

    private static final Logger LOG = LoggerFactory.getLogger(DutyIntake.class);

    private final DutyOffice office;

    DutyIntake(DutyOffice office) {
        this.office = office;
    }

    @Override
    public void onStored(IngestRecord.Decoded m) {
        KuraTopic t = m.topic();
        if (t.control() || !DutyTopics.APP.equals(t.appId())) {
            return;
        }
        Instant received = Instant.ofEpochMilli(m.raw().received());
        try {
            switch (t.resource()) {
                case DutyTopics.REPORT -> office.report(m.unit(), m.id(), m.payload(), received);
                case DutyTopics.ROSTER -> office.roster(m.unit(), m.id(), m.payload(), received);
                default -> LOG.debug("duty: {} ignored", t);
            }
        } catch (SQLException e) {
            // the message is in the ingest log: catchUp takes it in at the next start
            LOG.error("duty: {} from {} could not be stored by the duty office: {}", t.resource(), m.unit(), e.toString());
        }
    }

    /** Reports of the last {@code duty.receipts-days} in the ingest log that the office has not seen; returns how many. */
    int catchUp(Database database, Instant since) throws SQLException {
        int n = 0;
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("SELECT client_id, msg_epoch, msg_seq, received,"
                + " metrics_json FROM telemetry WHERE app_id = ? AND resource = ? AND received >= ? ORDER BY received")) {
            ps.setString(1, DutyTopics.APP);
            ps.setString(2, DutyTopics.REPORT);
            ps.setLong(3, since.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(2) == null || !UnitCode.isValid(rs.getString(1))) {
                        continue;
                    }
                    UnitCode unit = UnitCode.parse(rs.getString(1));
                    MessageId id = new MessageId(rs.getString(2), rs.getLong(3));
                    if (office.store().knows(unit.toString(), id)) {
                        continue;
                    }
                    KuraPayload p = KuraPayload.builder().metrics(MetricsJson.read(rs.getString(5))).build();
                    // a second copy of a report already in (queued twice around a box crash) leaves no trace: not counted
                    if (office.report(unit, id, p, Instant.ofEpochMilli(rs.getLong(4))) != DutyOffice.Intake.ALREADY_IN) {
                        n++;
                    }
                }
            }
        }
        if (n > 0) {
            LOG.info("duty: {} report message(s) taken in from the ingest log", n);
        }
        return n;
    }
}
