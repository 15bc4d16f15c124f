package cn.egov.manager.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.api.telemetry.MessageId;
import cn.egov.api.topic.KuraTopic;
import cn.egov.manager.fleet.FleetRegistry;
import cn.egov.manager.fleet.PlaceNames;
import cn.egov.manager.store.Database;
import cn.egov.manager.support.StoreKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A batch of more rows than one INSERT statement takes (so each table is written by several), with
 * redeliveries inside the batch (one in the same statement as the first copy, one in a later
 * statement), an application's message with a body and a message without an id: the writer's answer
 * (which messages were new, in the order received) is what one row at a time gave, and each row is
 * stored once. On SQLite and on PostgreSQL.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class LargeBatchStoreTest {

    private static final MessageDecoder DECODER = new MessageDecoder("hebei", 1 << 20);
    private static final String UNIT = "130602-001";
    private static final int HEALTH = 1_300;

    @Parameter
    StoreKind kind;

    @TempDir
    Path dir;

    @Test
    void newAndRedeliveredMessagesAreToldApartAcrossStatements() throws Exception {
        Database db = kind.open(dir);
        SqlBatchStore store = new SqlBatchStore(db, new FleetRegistry(PlaceNames.HEBEI, 3, 60));
        List<IngestRecord> batch = new ArrayList<>();
        List<IngestRecord> expected = new ArrayList<>();
        for (int m = 1; m <= HEALTH; m++) {
            IngestRecord h = health(m);
            batch.add(h);
            expected.add(h);
            if (m == 200) {
                batch.add(health(200)); // redelivered at once: the same statement
            }
        }
        batch.add(health(3)); // redelivered late: a later statement than its first copy
        IngestRecord app = app(1, "body-1".getBytes(StandardCharsets.UTF_8));
        IngestRecord noId = decode(KuraTopic.telemetry("hebei", UNIT, "APP1", "reading").toString(), KuraPayload.builder().timestamp(9L), 9);
        batch.addAll(List.of(app, app(1, "body-1".getBytes(StandardCharsets.UTF_8)), noId));
        expected.addAll(List.of(app, noId));

        List<IngestRecord.Decoded> stored = store.store(batch);
        assertEquals(expected, stored, "the new messages, each once, in the order received");
        assertEquals(HEALTH, count(db, "SELECT COUNT(*) FROM health_samples"));
        assertEquals(2, count(db, "SELECT COUNT(*) FROM telemetry"));
        assertEquals(HEALTH, count(db, "SELECT COUNT(DISTINCT msg_seq) FROM health_samples"));
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT body FROM telemetry WHERE msg_seq = 1")) {
            rs.next();
            assertArrayEquals("body-1".getBytes(StandardCharsets.UTF_8), rs.getBytes(1));
        }
        assertEquals(2_000L + HEALTH, count(db, "SELECT last_health FROM boxes WHERE client_id = '" + UNIT + "'"));

        assertEquals(List.of(noId), store.store(batch), "again: only the message without an id, which nothing tells from a copy");
        assertEquals(HEALTH, count(db, "SELECT COUNT(*) FROM health_samples"));
    }

    private static IngestRecord health(int m) {
        return decode(KuraTopic.telemetry("hebei", UNIT, BoxMetrics.HEALTH_APP, BoxMetrics.HEALTH_RESOURCE).toString(),
                KuraPayload.builder().timestamp(2_000L + m).metric(BoxMetrics.CPU_LOAD, 0.25)
                        .metric(MessageId.EPOCH_METRIC, "e1").metric(MessageId.SEQUENCE_METRIC, (long) m), 2_000L + m);
    }

    private static IngestRecord app(int m, byte[] body) {
        return decode(KuraTopic.telemetry("hebei", UNIT, "APP1", "reading").toString(), KuraPayload.builder().timestamp(3_000L + m)
                .body(body).metric(MessageId.EPOCH_METRIC, "e1").metric(MessageId.SEQUENCE_METRIC, (long) m), 3_000L + m);
    }

    private static IngestRecord decode(String topic, KuraPayload.Builder payload, long at) {
        return DECODER.decode(new InboundMessage(topic, KuraPayloadCodec.encode(payload.build()), 1, 1, at));
    }

    private static long count(Database db, String query) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
