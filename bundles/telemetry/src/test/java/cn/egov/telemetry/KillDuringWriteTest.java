package cn.egov.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.telemetry.outbox.DurableOutbox;
import cn.egov.telemetry.outbox.OutboxSettings;
import cn.egov.telemetry.outbox.StoredMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL while the box is writing batches: the outbox reopens intact (SQLite integrity check),
 * holding only whole committed batches with gap-free sequence numbers, and new ids continue after them.
 */
class KillDuringWriteTest {
    /** Far more than can be written before the kill, so the kill lands mid-stream. */
    private static final int GENERATE = 5_000_000;
    private static final int BATCH = 1_000;
    private static final long WAL_BYTES_BEFORE_KILL = 2L * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void outboxIsConsistentAfterSigkillMidWrite() throws Exception {
        Path outbox = dir.resolve("box/outbox.db");
        // No broker: nothing is drained, everything written stays.
        java.util.Map<String, String> settings = TestIds.config("tcp://127.0.0.1:" + MosquittoBroker.freePort(), outbox, 3600);
        // Room for everything generated: eviction of a full outbox opens sequence gaps by design,
        // and how much is written before the kill depends on the machine's speed.
        settings.put(TelemetrySettings.OUTBOX_CAPACITY, Integer.toString(GENERATE));
        Path config = BoxProcess.writeConfig(dir.resolve("box"), settings);
        try (BoxProcess box = BoxProcess.start(config, dir.resolve("box.out"), "--generate", Integer.toString(GENERATE))) {
            Path wal = Path.of(outbox + "-wal");
            long deadline = System.currentTimeMillis() + 60_000;
            while (!(Files.exists(wal) && Files.size(wal) > WAL_BYTES_BEFORE_KILL)) {
                assertTrue(System.currentTimeMillis() < deadline, "the box did not start writing:\n" + box.output());
                Thread.sleep(20);
            }
            box.kill9();
            assertFalse(box.output().contains("generated"), "the kill landed before the generator finished");
        }

        Process check = new ProcessBuilder("sqlite3", outbox.toString(), "PRAGMA integrity_check;").redirectErrorStream(true).start();
        String result = new String(check.getInputStream().readAllBytes()).trim();
        assertEquals(0, check.waitFor());
        assertEquals("ok", result);

        try (DurableOutbox reopened = new DurableOutbox(OutboxSettings.of(outbox, Integer.MAX_VALUE))) {
            long depth = reopened.depth();
            assertTrue(depth > 0, "committed batches survived");
            assertEquals(0, depth % BATCH, "only whole batches: " + depth);
            List<StoredMessage> all = reopened.peek((int) depth);
            long maxSeq = all.stream().mapToLong(StoredMessage::seq).max().orElseThrow();
            long minSeq = all.stream().mapToLong(StoredMessage::seq).min().orElseThrow();
            assertEquals(depth, maxSeq - minSeq + 1, "no gaps in the sequence");
            long next = reopened.enqueue("hebei/" + TestIds.UNIT + "/TEST/after", cn.egov.api.payload.KuraPayload.builder().build(), 5).sequence();
            assertTrue(next > maxSeq, "new ids continue after the surviving ones");
        }
    }
}
