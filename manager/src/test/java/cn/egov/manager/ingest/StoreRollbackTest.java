package cn.egov.manager.ingest;

import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import cn.egov.manager.support.StoreKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.fleet.BoxState;
import cn.egov.manager.fleet.BoxStatus;
import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.fleet.MissingWatch;
import cn.egov.manager.fleet.PlaceNames;
import cn.egov.manager.fleet.BoxStore;
import cn.egov.manager.store.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet registry changes only with the store: a batch whose transaction rolls back (here a
 * trigger refuses the write of the box row, after the message rows went in) leaves the
 * registry exactly as it was, for a new box and for a known one; the next batch that commits
 * shows. The same for the MISSING check. On SQLite and on PostgreSQL.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class StoreRollbackTest {

    @Parameter
    StoreKind kind;


    private static final String UNIT = "130602-001";
    private static final MessageDecoder DECODER = new MessageDecoder("hebei", 1 << 20);

    @TempDir
    Path dir;
    Database db;
    FleetRegistry fleet;
    SqlBatchStore store;
    long seq;

    @BeforeEach
    void open() throws Exception {
        db = kind.open(dir);
        fleet = new FleetRegistry(PlaceNames.HEBEI, 3, 60);
        store = new SqlBatchStore(db, fleet);
    }

    @Test
    void aRolledBackBatchLeavesTheRegistryAsItWas() throws Exception {
        kind.refuseWrites(db, "refuse_new", "INSERT", "boxes");
        assertThrows(SQLException.class, () -> store.store(List.of(birth(1_000), health(1_100))));
        assertTrue(fleet.get(UNIT).isEmpty(), "no box in the registry: " + fleet.list());
        assertEquals(0, count("SELECT COUNT(*) FROM lifecycle_events") + count("SELECT COUNT(*) FROM health_samples"),
                "nothing of the batch stored");

        kind.allowWrites(db, "refuse_new", "boxes");
        assertEquals(2, store.store(List.of(birth(2_000), health(2_100))).size());
        BoxState stored = fleet.get(UNIT).orElseThrow();
        assertEquals(BoxStatus.CONNECTED, stored.status());

        kind.refuseWrites(db, "refuse_change", "UPDATE", "boxes");
        assertThrows(SQLException.class, () -> store.store(List.of(disconnect(3_000))));
        assertEquals(stored, fleet.get(UNIT).orElseThrow(), "still CONNECTED as stored, not DISCONNECTED");
        assertEquals(stored.status().name(), storedStatus(), "registry and store agree");

        kind.allowWrites(db, "refuse_change", "boxes");
        store.store(List.of(disconnect(4_000)));
        assertEquals(BoxStatus.DISCONNECTED, fleet.get(UNIT).orElseThrow().status());
        assertEquals("DISCONNECTED", storedStatus());
    }

    @Test
    void aMissingMarkThatCannotBeStoredIsNotShown() throws Exception {
        store.store(List.of(birth(1_000), health(1_100))); // health interval 1 s: MISSING 3 s later
        kind.refuseWrites(db, "refuse_change", "UPDATE", "boxes");
        new MissingWatch(fleet, db).run();
        assertEquals(BoxStatus.CONNECTED, fleet.get(UNIT).orElseThrow().status(), "the store refused MISSING: not shown either");
        kind.allowWrites(db, "refuse_change", "boxes");
        new MissingWatch(fleet, db).run();
        assertEquals(BoxStatus.MISSING, fleet.get(UNIT).orElseThrow().status());
        assertEquals("MISSING", storedStatus());
    }

    @Test
    void theLastHealthFiguresComeBackFromTheSampleAfterARestart() throws Exception {
        store.store(List.of(birth(1_000), health(1_100)));
        try (Connection c = db.connect()) {
            BoxState restored = BoxStore.loadAll(c, PlaceNames.HEBEI).get(0);
            assertEquals(fleet.get(UNIT).orElseThrow().healthFigures().get(BoxMetrics.CPU_LOAD), restored.healthFigures().get(BoxMetrics.CPU_LOAD));
            assertEquals(0.5, ((Number) restored.healthFigures().get(BoxMetrics.CPU_LOAD)).doubleValue());
        }
    }

    private IngestRecord birth(long at) {
        return DECODER.decode(new InboundMessage(KuraTopic.birth("hebei", UNIT).toString(), KuraPayloadCodec.encode(KuraPayload.builder()
                .timestamp(at).metric(BoxMetrics.UNIT_CODE, UNIT).metric(BoxMetrics.HEALTH_INTERVAL_S, 1)
                .metric(MessageId.EPOCH_METRIC, "e").metric(MessageId.SEQUENCE_METRIC, seq++).build()), 1, 1, at));
    }

    private IngestRecord health(long at) {
        return DECODER.decode(new InboundMessage(KuraTopic.telemetry("hebei", UNIT, BoxMetrics.HEALTH_APP, BoxMetrics.HEALTH_RESOURCE)
                .toString(), KuraPayloadCodec.encode(KuraPayload.builder().timestamp(at).metric(BoxMetrics.CPU_LOAD, 0.5)
                .metric(MessageId.EPOCH_METRIC, "e").metric(MessageId.SEQUENCE_METRIC, seq++).build()), 2, 1, at));
    }

    private IngestRecord disconnect(long at) {
        return DECODER.decode(new InboundMessage(KuraTopic.disconnect("hebei", UNIT).toString(), KuraPayloadCodec.encode(KuraPayload.builder()
                .timestamp(at).metric(MessageId.EPOCH_METRIC, "e").metric(MessageId.SEQUENCE_METRIC, seq++).build()), 3, 1, at));
    }


    private long count(String query) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String storedStatus() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT status FROM boxes WHERE client_id = '" + UNIT + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
