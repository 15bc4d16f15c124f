package cn.egov.manager.ingest;

import cn.egov.manager.ingest.part.IngestPart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.telemetry.MessageId;
import cn.egov.api.telemetry.Priority;
import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.broker.FreePort;
import cn.egov.manager.config.ConfigKey;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.store.Database;
import cn.egov.manager.store.MetricsJson;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.Poll;
import cn.egov.telemetry.StandaloneTelemetry;
import cn.egov.telemetry.SyntheticLoad;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end, box process to manager store: with the manager (and so its embedded broker) down, a
 * real box JVM ({@link StandaloneTelemetry}) queues 10,000 messages of mixed priorities, is killed
 * with SIGKILL and restarted on the same outbox; when the manager returns (same data folder, same
 * broker port, as {@code manager run} would start it again), all 10,000 reach the manager's SQLite
 * store exactly once, in the order the outbox promises: priority, then age (its sequence number).
 */
class BoxBacklogReachesManagerTest {

    private static final int COUNT = 10_000;
    private static final long SEED = 11;
    private static final String UNIT = "130602-021";
    private static final String ACCOUNT = "hebei";
    private static final long GENERATE_TIMEOUT_MS = 60_000;
    private static final long START_TIMEOUT_MS = 30_000;
    private static final long DRAIN_TIMEOUT_MS = 60_000;
    /** After the last expected row: time in which a stray duplicate or extra message would show up. */
    private static final long QUIET_MS = 1_000;

    @TempDir
    Path dir;

    @Test
    void backlogQueuedWhileManagerIsDownIsStoredExactlyOnceInPriorityThenAgeOrder() throws Exception {
        ManagerConfig fixture = ManagerFixture.config(dir.resolve("manager"));
        // a fixed port, chosen once: the box's configuration names it, and the restarted manager's broker must return there
        ManagerConfig config = fixture.with(ConfigKey.BROKER_PORT, FreePort.on(fixture.get(ConfigKey.BROKER_BIND)));

        // A manager has run before on this data folder: its persistent subscription exists in the
        // broker's journal, as on any installed manager, so what boxes publish right after the
        // broker returns is kept for the subscriber even if the box connects first.
        String brokerUrl;
        try (ManagerAssembly first = ManagerAssembly.start(config, ManagerAssembly.Options.defaults())) {
            brokerUrl = first.brokerUrl();
        }

        Path outbox = dir.resolve("box/outbox.db");
        Path boxConfig = writeBoxConfig(brokerUrl, ManagerFixture.labPassword(config, UNIT), outbox);
        try (BoxJvm queuing = BoxJvm.start(boxConfig, dir.resolve("box1.out"), "--generate", Integer.toString(COUNT),
                "--seed", Long.toString(SEED))) {
            queuing.awaitOutput("generated " + COUNT, GENERATE_TIMEOUT_MS);
            queuing.kill9();
        }
        assertEquals(COUNT, outboxDepth(outbox), "messages waiting in the box's outbox after the SIGKILL");

        try (BoxJvm box = BoxJvm.start(boxConfig, dir.resolve("box2.out"))) {
            box.awaitOutput("started " + UNIT, START_TIMEOUT_MS);
            try (ManagerAssembly m = ManagerAssembly.start(config, ManagerAssembly.Options.defaults())) {
                assertEquals(brokerUrl, m.brokerUrl(), "the manager's broker returns where the box expects it");
                Poll.until("all " + COUNT + " stored; box output:\n" + box.output(), DRAIN_TIMEOUT_MS,
                        () -> count(m, "SELECT COUNT(*) FROM telemetry WHERE client_id = '" + UNIT + "'") >= COUNT);
                Poll.until("the box's outbox is empty (every message acknowledged)", DRAIN_TIMEOUT_MS, () -> outboxDepth(outbox) == 0);
                Thread.sleep(QUIET_MS);

                assertExactlyOnce(m);
                assertNoGaps(m);
                assertPriorityThenAgeOrder(m);
                assertEquals(0, m.part(IngestPart.class).metrics().malformedTotal(), "malformed messages");
            }
        }
    }

    private void assertExactlyOnce(ManagerAssembly m) {
        String where = " FROM telemetry WHERE client_id = '" + UNIT + "'";
        assertEquals(COUNT, count(m, "SELECT COUNT(*)" + where), "rows stored for the box");
        assertEquals(0, count(m, "SELECT COUNT(*)" + where + " AND (msg_epoch IS NULL OR msg_seq IS NULL)"), "rows without a message id");
        assertEquals(COUNT, count(m, "SELECT COUNT(*) FROM (SELECT DISTINCT msg_epoch, msg_seq" + where + ") ids"), "distinct message ids");
        assertEquals(1, count(m, "SELECT COUNT(DISTINCT msg_epoch)" + where), "one outbox database before and after the kill");
        assertEquals(COUNT, count(m, "SELECT COUNT(*)" + where + " AND app_id = '" + SyntheticLoad.APP_ID
                + "' AND resource = '" + SyntheticLoad.RESOURCE + "'"), "rows on the load topic");
    }

    /**
     * The outbox numbers every message it queues; nothing else used this outbox, so the stored
     * sequence numbers must be one unbroken run (a gap would be a message lost on the way).
     */
    private void assertNoGaps(ManagerAssembly m) {
        long min = count(m, "SELECT MIN(msg_seq) FROM telemetry WHERE client_id = '" + UNIT + "'");
        long max = count(m, "SELECT MAX(msg_seq) FROM telemetry WHERE client_id = '" + UNIT + "'");
        assertEquals(COUNT - 1, max - min, "sequence numbers " + min + ".." + max + " for " + COUNT + " messages");
        TreeSet<Integer> indices = new TreeSet<>();
        for (StoredRow r : rowsInStoreOrder(m)) {
            indices.add(r.index());
        }
        assertEquals(COUNT, indices.size(), "distinct generated indices");
        assertEquals(0, indices.first(), "first generated index");
        assertEquals(COUNT - 1, indices.last(), "last generated index");
    }

    /**
     * README (Outbox guarantees, Order): priority (0 first), then age, as the broker receives them
     * within a connection. All 10,000 were queued before any connection, so there is no later
     * higher-priority message to overtake anything; the caveats are a second connection and a failed
     * publish, so this checks that the box connected once (one BIRTH) and published without failure
     * before asserting the total order of the rows in the manager's store.
     */
    private void assertPriorityThenAgeOrder(ManagerAssembly m) {
        assertEquals(1, count(m, "SELECT COUNT(*) FROM lifecycle_events WHERE client_id = '" + UNIT + "' AND kind = 'BIRTH'"),
                "BIRTH messages (connections of the box) during the drain; more would void the order promise");
        int[] priorityOfIndex = syntheticPriorities();
        List<StoredRow> rows = rowsInStoreOrder(m);
        int lastPriority = -1;
        long lastSeq = -1;
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            StoredRow r = rows.get(i);
            int priority = priorityOfIndex[r.index()];
            seen.add(priority);
            if (priority == lastPriority) {
                assertTrue(r.seq() > lastSeq, "row " + i + ": within priority " + priority + ", seq " + r.seq() + " stored after " + lastSeq);
            } else {
                assertTrue(priority > lastPriority, "row " + i + ": priority " + priority + " (seq " + r.seq() + ") stored after priority "
                        + lastPriority + " (seq " + lastSeq + ")");
            }
            lastPriority = priority;
            lastSeq = r.seq();
        }
        assertEquals(Priority.LOWEST + 1, seen.size(), "every priority was exercised");
    }

    /** {@link SyntheticLoad} draws message i's priority as the i-th {@code nextInt(LOWEST + 1)} of a {@code SplittableRandom(seed)}. */
    private static int[] syntheticPriorities() {
        SplittableRandom random = new SplittableRandom(SEED);
        int[] p = new int[COUNT];
        for (int i = 0; i < COUNT; i++) {
            p[i] = random.nextInt(Priority.LOWEST + 1);
        }
        return p;
    }

    private record StoredRow(long seq, int index) {
    }

    /**
     * The box's rows in the order the manager's single writer inserted them: SQLite's rowid; on
     * PostgreSQL the row's place in the table (ctid), which is insertion order in a table that
     * nothing has deleted from or updated (a fresh test database).
     */
    private static List<StoredRow> rowsInStoreOrder(ManagerAssembly m) {
        List<StoredRow> rows = new ArrayList<>();
        String order = m.database().kind() == Database.Kind.SQLITE ? "rowid" : "ctid";
        try (Connection c = m.database().connect();
             PreparedStatement ps = c.prepareStatement("SELECT msg_seq, metrics_json FROM telemetry WHERE client_id = ? ORDER BY " + order)) {
            ps.setString(1, UNIT);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> metrics = MetricsJson.read(rs.getString(2));
                    Object index = metrics.get(SyntheticLoad.INDEX_METRIC);
                    assertNotNull(index, "row with seq " + rs.getLong(1) + " has no '" + SyntheticLoad.INDEX_METRIC + "'");
                    assertEquals(rs.getLong(1), ((Number) metrics.get(MessageId.SEQUENCE_METRIC)).longValue(), "msg_seq column vs payload");
                    rows.add(new StoredRow(rs.getLong(1), ((Number) index).intValue()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    private static long count(ManagerAssembly m, String sql) {
        try (Connection c = m.database().connect(); var s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Messages still waiting in the box's outbox, read from its SQLite file (read-only). */
    private static long outboxDepth(Path outbox) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + outbox + "?mode=ro");
             var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM message")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("reading the box outbox " + outbox + ": " + e.getMessage(), e);
        }
    }

    private Path writeBoxConfig(String brokerUrl, String password, Path outbox) throws IOException {
        Properties p = new Properties();
        p.setProperty("unit.code", UNIT);
        p.setProperty("serial.number", "SN-E2E-21");
        p.setProperty("broker.url", brokerUrl);
        p.setProperty("username", UNIT);
        p.setProperty("password", password);
        p.setProperty("account", ACCOUNT);
        p.setProperty("health.interval.s", "3600"); // no health messages during the test: only the backlog flows
        p.setProperty("outbox.path", outbox.toString());
        p.setProperty("reconnect.min.ms", "200");
        p.setProperty("reconnect.max.ms", "1000");
        Files.createDirectories(outbox.getParent());
        Path file = dir.resolve("box/box.properties");
        try (var w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "BoxBacklogReachesManagerTest box");
        }
        return file;
    }

    /** The box as its own JVM, on this test's class path; its output goes to a file. */
    private static final class BoxJvm implements AutoCloseable {
        private final Process process;
        private final Path out;

        private BoxJvm(Process process, Path out) {
            this.process = process;
            this.out = out;
        }

        static BoxJvm start(Path config, Path out, String... args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"), StandaloneTelemetry.class.getName(), config.toString()));
            cmd.addAll(List.of(args));
            return new BoxJvm(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start(), out);
        }

        void awaitOutput(String line, long timeoutMs) throws InterruptedException {
            Poll.until("box prints '" + line + "'", timeoutMs, () -> {
                if (!process.isAlive() && !output().contains(line)) {
                    throw new AssertionError("box exited with " + process.exitValue() + ":\n" + output());
                }
                return output().contains(line);
            });
        }

        void kill9() throws IOException, InterruptedException {
            Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(process.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor(), "kill -KILL " + process.pid());
            assertTrue(process.waitFor(10, TimeUnit.SECONDS), "box gone after SIGKILL");
            assertEquals(137, process.exitValue(), "exit status of a SIGKILLed JVM");
        }

        String output() {
            try {
                return Files.readString(out);
            } catch (IOException e) {
                return "(no output: " + e + ")";
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
