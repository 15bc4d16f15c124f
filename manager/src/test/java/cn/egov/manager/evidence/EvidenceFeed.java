package cn.egov.manager.evidence;

import cn.egov.api.time.BeijingTime;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.Alarm;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.fleet.PlaceNames;
import cn.egov.manager.ingest.InboundMessage;
import cn.egov.manager.ingest.MessageDecoder;
import cn.egov.manager.ingest.SqlBatchStore;
import cn.egov.manager.store.AlarmStore;
import cn.egov.manager.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

/**
 * Fills a manager's store the way ingestion does: each message is a KuraPayload on its Kura topic,
 * decoded by the manager's {@link MessageDecoder} and stored by its {@link SqlBatchStore} (which
 * also updates the fleet), with the receipt time the test chooses. The duty office's register is
 * written as rows (the duty part's own tests cover its intake).
 */
public final class EvidenceFeed {

    public static final String ACCOUNT = "hebei";
    private static final MessageDecoder DECODER = new MessageDecoder(ACCOUNT, 1 << 20);

    private final Database db;
    private final FleetRegistry fleet;
    private final SqlBatchStore store;
    private long seq;

    public EvidenceFeed(Database db) {
        this(db, new FleetRegistry(PlaceNames.HEBEI, 3, 60));
    }

    public EvidenceFeed(Database db, FleetRegistry fleet) {
        this.db = db;
        this.fleet = fleet;
        this.store = new SqlBatchStore(db, fleet);
        try {
            db.migrate(cn.egov.manager.duty.DutyPart.NAME, new cn.egov.manager.duty.DutyPart().migrations()); // the rosters and reports it writes
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public FleetRegistry fleet() {
        return fleet;
    }

    /** ms since the epoch of a Beijing-time moment. */
    public static long at(String beijingTime) {
        return LocalDateTime.parse(beijingTime).atZone(BeijingTime.ZONE).toInstant().toEpochMilli();
    }

    public EvidenceFeed birth(String unit, long received) throws SQLException {
        return publish(KuraTopic.birth(ACCOUNT, unit).toString(), KuraPayload.builder().timestamp(received)
                .metric(BoxMetrics.UNIT_CODE, unit).metric(BoxMetrics.DISPLAY_NAME, "测试单位 " + unit)
                .metric(BoxMetrics.HEALTH_INTERVAL_S, 60), received);
    }

    public EvidenceFeed health(String unit, long received) throws SQLException {
        return publish(KuraTopic.telemetry(ACCOUNT, unit, BoxMetrics.HEALTH_APP, BoxMetrics.HEALTH_RESOURCE).toString(),
                KuraPayload.builder().timestamp(received).metric(BoxMetrics.CPU_LOAD, 0.2), received);
    }

    /** A telemetry message; values are strings, longs, doubles or booleans as the box sends them. */
    public EvidenceFeed telemetry(String unit, String app, String resource, Map<String, ?> metrics, long received) throws SQLException {
        KuraPayload.Builder b = KuraPayload.builder().timestamp(received);
        metrics.forEach((k, v) -> {
            if (v instanceof Boolean x) {
                b.metric(k, x);
            } else if (v instanceof Integer x) {
                b.metric(k, (long) x);
            } else if (v instanceof Long x) {
                b.metric(k, x);
            } else if (v instanceof Double x) {
                b.metric(k, x);
            } else {
                b.metric(k, String.valueOf(v));
            }
        });
        return publish(KuraTopic.telemetry(ACCOUNT, unit, app, resource).toString(), b, received);
    }

    public EvidenceFeed alarm(String unit, String kind, Alarm.Severity severity, String message, Map<String, String> evidence, long received)
            throws SQLException {
        Alarm a = new Alarm(kind, severity, kind.substring(0, kind.indexOf('.')), message, evidence, received);
        KuraPayload p = a.toPayload();
        KuraPayload.Builder b = KuraPayload.builder().timestamp(received);
        p.metrics().forEach((k, v) -> b.metric(k, String.valueOf(v)));
        return publish(KuraTopic.telemetry(ACCOUNT, unit, Alarm.APP_ID, kind).toString(), b, received);
    }

    /** An alarm the manager raised about a unit (evidence {@code unit}). */
    public EvidenceFeed managerAlarm(String unit, String kind, Alarm.Severity severity, String message, long received) throws SQLException {
        try (Connection c = db.connect()) {
            AlarmStore.insert(c, AlarmStore.MANAGER_CLIENT_ID, null, null, new Alarm(kind, severity, "manager", message,
                    Map.of("unit", unit), received), received);
        }
        return this;
    }

    /** A report in the duty office's register. */
    public EvidenceFeed dutyReport(String unit, String id, boolean late, long received, Long acknowledged) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO duty_reports (id, unit, incident, number,"
                + " kind, level, status, filed_at, received_at, late, payload, acknowledged_at, step, alarms)"
                + " VALUES (?, ?, ?, 0, 'INITIAL', 'MAJOR', 'Actual', ?, ?, ?, ?, ?, 0, 0)")) {
            ps.setString(1, id);
            ps.setString(2, unit);
            ps.setString(3, id);
            ps.setLong(4, received - 60_000);
            ps.setLong(5, received);
            ps.setInt(6, late ? 1 : 0);
            ps.setBytes(7, new byte[]{1});
            if (acknowledged == null) {
                ps.setNull(8, java.sql.Types.BIGINT);
            } else {
                ps.setLong(8, acknowledged);
            }
            ps.executeUpdate();
        }
        return this;
    }

    public EvidenceFeed roster(String unit, long version, long received) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO duty_rosters (unit, version, published_at,"
                + " received_at, payload) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, unit);
            ps.setLong(2, version);
            ps.setLong(3, received - 1000);
            ps.setLong(4, received);
            ps.setBytes(5, new byte[]{1});
            ps.executeUpdate();
        }
        return this;
    }

    private EvidenceFeed publish(String topic, KuraPayload.Builder payload, long received) throws SQLException {
        payload.metric(MessageId.EPOCH_METRIC, "feed").metric(MessageId.SEQUENCE_METRIC, seq++);
        store.store(List.of(DECODER.decode(new InboundMessage(topic, KuraPayloadCodec.encode(payload.build()), (int) seq, 1, received))));
        return this;
    }
}
