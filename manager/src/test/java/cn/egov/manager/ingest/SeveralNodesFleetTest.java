package cn.egov.manager.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.fleet.BoxState;
import cn.egov.manager.fleet.BoxStore;
import cn.egov.manager.fleet.BoxStatus;
import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.fleet.FleetSync;
import cn.egov.manager.fleet.MissingWatch;
import cn.egov.manager.fleet.PlaceNames;
import cn.egov.manager.store.Database;
import cn.egov.manager.support.StoreKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two manager nodes on one store, each with its own registry and ingest writer: a box that moved
 * from node X to node Y is judged on what Y stored (X's stale memory does not mark it MISSING), a
 * node whose clock is behind does not turn the box's last health back, the MISSING verdict is
 * written once, and each node takes over what the other stored ({@link FleetSync}).
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class SeveralNodesFleetTest {

    private static final MessageDecoder DECODER = new MessageDecoder("hebei", 1 << 20);
    private static final String UNIT = "130602-001";
    private static final long MINUTE = 60_000;

    @Parameter
    StoreKind store;

    @TempDir
    Path dir;

    @Test
    void aBoxThatMovedIsJudgedOnWhatTheOtherNodeStored() throws Exception {
        String url = store.url(dir);
        Node nx = node(url);
        Node ny = node(url);
        Database dbX = nx.db();
        Database dbY = ny.db();
        FleetRegistry x = nx.fleet();
        FleetRegistry y = ny.fleet();
        SqlBatchStore writerX = nx.writer();
        SqlBatchStore writerY = ny.writer();
        long t0 = System.currentTimeMillis() - 20 * MINUTE;
        FleetSync syncY = new FleetSync(y, dbY, 5_000, t0);
        FleetSync syncX = new FleetSync(x, dbX, 5_000, t0);

        writerX.store(List.of(birth("e1", 0, t0), health("e1", 1, t0 + 1_000, 0.1)));
        // the box fails over to node Y: a new session there
        writerY.store(List.of(birth("e2", 0, t0 + 2 * MINUTE), health("e2", 1, t0 + 3 * MINUTE, 0.2)));
        assertEquals(t0 + 1_000, x.get(UNIT).orElseThrow().lastHealth(), "node X has not seen the box since");

        // X holds the MISSING watch: 3 minutes after the health X saw, but only 1 after the one Y stored
        MissingWatch watchX = new MissingWatch(x, dbX);
        assertTrue(watchX.check(t0 + 4 * MINUTE).isEmpty(), "judged on the stored rows, not on node X's memory");

        // a node whose clock is behind stores a later message: the row's last health does not go back
        writerX.store(List.of(health("e2", 2, t0 + 150_000, 0.3)));
        assertTrue(watchX.check(t0 + 5 * MINUTE).isEmpty(), "last health still Y's");

        // silence: MISSING once, by the stored row's last health
        List<BoxState> marked = watchX.check(t0 + 6 * MINUTE + 1);
        assertEquals(1, marked.size());
        assertEquals(BoxStatus.MISSING, marked.get(0).status());
        assertEquals("no health for 180 s (3 × 60 s)", marked.get(0).lastStatusCause());
        assertEquals(0.2, ((Number) marked.get(0).healthFigures().get("cpu_load")).doubleValue(), "figures of the last health stored");
        assertEquals(BoxStatus.MISSING, x.get(UNIT).orElseThrow().status());
        assertTrue(watchX.check(t0 + 7 * MINUTE).isEmpty(), "marked once");
        assertTrue(new MissingWatch(y, dbY).check(t0 + 7 * MINUTE).isEmpty(), "nor again by another node");

        // node Y shows what X wrote once it takes the other nodes' changes over
        assertEquals(BoxStatus.CONNECTED, y.get(UNIT).orElseThrow().status());
        syncY.run();
        assertEquals(BoxStatus.MISSING, y.get(UNIT).orElseThrow().status());

        // health again, at Y: connected in the store, and at X after its take-over
        writerY.store(List.of(health("e2", 3, t0 + 8 * MINUTE, 0.4)));
        assertEquals(BoxStatus.CONNECTED, y.get(UNIT).orElseThrow().status());
        syncX.run();
        BoxState atX = x.get(UNIT).orElseThrow();
        assertEquals(BoxStatus.CONNECTED, atX.status());
        assertEquals(t0 + 8 * MINUTE, atX.lastHealth());
        assertEquals(0.4, ((Number) atX.healthFigures().get("cpu_load")).doubleValue());

        // a disconnected box is never MISSING
        writerY.store(List.of(disconnect("e2", 4, t0 + 9 * MINUTE)));
        assertTrue(watchX.check(t0 + 60 * MINUTE).isEmpty(), "a disconnected box is not MISSING");
    }

    @Test
    void aNodeThatHasNotSeenTheBirthDoesNotOverwriteWhatItStored() throws Exception {
        String url = store.url(dir);
        Node nx = node(url);
        Node ny = node(url);
        long t0 = System.currentTimeMillis() - 20 * MINUTE;
        // one queue, several nodes: the BIRTH goes to X, the next health to Y before Y took X's rows over
        nx.writer().store(List.of(decode(KuraTopic.birth("hebei", UNIT).toString(), KuraPayload.builder().timestamp(t0)
                .metric(BoxMetrics.UNIT_CODE, UNIT).metric(BoxMetrics.HEALTH_INTERVAL_S, 10)
                .metric(BoxMetrics.FIRMWARE_VERSION, "1.4.2").metric(BoxMetrics.CONNECTION_IP, "10.6.8.1")
                .metric(BoxMetrics.DISPLAY_NAME, "县政务办"), "e1", 0, t0)));
        ny.writer().store(List.of(health("e1", 1, t0 + 10_000, 0.1)));
        FleetSync syncX = new FleetSync(nx.fleet(), nx.db(), 5_000, t0 - MINUTE);
        new FleetSync(ny.fleet(), ny.db(), 5_000, t0 - MINUTE).run();
        BoxState atY = ny.fleet().get(UNIT).orElseThrow();
        assertEquals(10, atY.healthIntervalS(), "the BIRTH's interval, not the default");
        assertEquals("1.4.2", atY.firmwareVersion());
        assertEquals("10.6.8.1", atY.connectionIp());
        assertEquals("县政务办", atY.displayName());
        assertEquals(t0 + 10_000, atY.lastHealth(), "Y's health is stored");
        syncX.run();
        assertEquals(t0 + 10_000, nx.fleet().get(UNIT).orElseThrow().lastHealth());
        // judged by the BIRTH's 10 s interval: MISSING after 3 × 10 s, not 3 × 60 s
        List<BoxState> marked = new MissingWatch(nx.fleet(), nx.db()).check(t0 + 10_000 + 30_001);
        assertEquals(1, marked.size(), "MISSING by the BIRTH's interval");
    }

    /** A manager node on the shared store: its own connection, registry and ingest writer. */
    /**
     * Taking over reads only what a node does not hold: its own rows are left out (in a storm every
     * box changes between two takings-over), a row it does not hold comes with its last figures.
     */
    @Test
    void aNodeTakesOverOnlyWhatItDoesNotHoldAlready() throws Exception {
        Node nx = node(store.url(dir));
        long t0 = System.currentTimeMillis() - 20 * MINUTE;
        nx.writer().store(List.of(birth("e1", 0, t0), health("e1", 1, t0 + 1_000, 0.1)));
        try (Connection c = nx.db().connect()) {
            assertEquals(List.of(), BoxStore.loadChangedSince(c, PlaceNames.HEBEI, t0 - MINUTE, id -> nx.fleet().get(id).orElse(null)),
                    "its own rows: nothing to take over");
            List<BoxState> unknown = BoxStore.loadChangedSince(c, PlaceNames.HEBEI, t0 - MINUTE, id -> null);
            // as shown: figures read back from JSON hold msg.seq as an Integer, the registry's as a Long
            assertEquals(List.of(nx.fleet().get(UNIT).orElseThrow()).toString(), unknown.toString(),
                    "a box it does not hold: the row, with its figures");
            assertEquals(0.1, ((Number) unknown.get(0).healthFigures().get("cpu_load")).doubleValue());
        }
    }

    private record Node(Database db, FleetRegistry fleet, SqlBatchStore writer) {
    }

    private Node node(String url) throws Exception {
        Database db = store.openUrl(url);
        FleetRegistry fleet = new FleetRegistry(PlaceNames.HEBEI, 3, 60);
        return new Node(db, fleet, new SqlBatchStore(db, fleet));
    }

    private static IngestRecord birth(String epoch, long seq, long at) {
        return decode(KuraTopic.birth("hebei", UNIT).toString(), KuraPayload.builder().timestamp(at)
                .metric(BoxMetrics.UNIT_CODE, UNIT).metric(BoxMetrics.HEALTH_INTERVAL_S, 60), epoch, seq, at);
    }

    private static IngestRecord disconnect(String epoch, long seq, long at) {
        return decode(KuraTopic.disconnect("hebei", UNIT).toString(), KuraPayload.builder().timestamp(at), epoch, seq, at);
    }

    private static IngestRecord health(String epoch, long seq, long at, double cpu) {
        return decode(KuraTopic.telemetry("hebei", UNIT, BoxMetrics.HEALTH_APP, BoxMetrics.HEALTH_RESOURCE).toString(),
                KuraPayload.builder().timestamp(at).metric(BoxMetrics.CPU_LOAD, cpu), epoch, seq, at);
    }

    private static IngestRecord decode(String topic, KuraPayload.Builder payload, String epoch, long seq, long at) {
        byte[] bytes = KuraPayloadCodec.encode(payload.metric(MessageId.EPOCH_METRIC, epoch).metric(MessageId.SEQUENCE_METRIC, seq).build());
        return DECODER.decode(new InboundMessage(topic, bytes, 1, 1, at));
    }
}
