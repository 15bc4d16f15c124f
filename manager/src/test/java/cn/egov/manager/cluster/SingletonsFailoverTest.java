package cn.egov.manager.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.support.ManagerProcess;
import cn.egov.manager.support.Poll;
import cn.egov.manager.support.LeadershipLocks;
import cn.egov.manager.support.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code manager run} processes on one PostgreSQL database: the first started holds every
 * singleton; the second, started next to it, runs none; {@code kill -9} of the first hands all of
 * them to the second, which then really runs them (its audit retention deletes an entry past
 * retention that was put in after the first had run its own).
 */
class SingletonsFailoverTest {

    /** The singletons of a manager without the CA (the CRL publisher needs ca.passphrase-file). */
    private static final List<String> SINGLETONS = List.of("missing-watch", "exchange-resend", "duty-escalation",
            "portal-freshness", "audit-retention");

    @TempDir
    Path dir;

    @Test
    void theSecondNodeTakesEverySingletonWhenTheFirstIsKilled() throws Exception {
        PostgresServer pg = PostgresServer.shared();
        String url = pg.createDatabase();
        Process a = start("node-a", config("node-a", url, pg.password()));
        Process b = null;
        try {
            Poll.until("node-a holds every singleton", 120_000, () -> LeadershipLocks.holders(url, pg).getOrDefault("node-a", 0) == SINGLETONS.size());
            b = start("node-b", config("node-b", url, pg.password()));
            // node-b has competed for several retry periods (500 ms) by the time it is ready and the log says so
            Thread.sleep(2_000);
            Map<String, Integer> both = LeadershipLocks.holders(url, pg);
            assertEquals(Map.of("node-a", SINGLETONS.size()), both, "only node-a holds singletons");
            assertFalse(Files.readString(dir.resolve("node-b.err")).contains("now runs"), "node-b took nothing");
            assertTrue(Files.readString(dir.resolve("node-a.err")).contains("node node-a now runs the MISSING watch"));

            // an audit entry past retention, after node-a's retention run at its start: only a new run deletes it
            try (Connection c = DriverManager.getConnection(url, PostgresServer.USER, pg.password());
                 PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log (id, ts, actor, role, action, outcome)"
                         + " VALUES (999999, ?, 'test', 'admin', 'old.entry', 'DONE')")) {
                ps.setLong(1, System.currentTimeMillis() - TimeUnit.DAYS.toMillis(400));
                ps.executeUpdate();
            }

            long kill = System.nanoTime();
            a.destroyForcibly(); // SIGKILL: no shutdown hook, the session just ends
            assertTrue(a.waitFor(30, TimeUnit.SECONDS));
            Poll.until("node-b holds every singleton", 120_000, () -> LeadershipLocks.holders(url, pg).getOrDefault("node-b", 0) == SINGLETONS.size());
            // a figure for the record, not a bound: the retry period is 500 ms
            System.out.printf("node-b held every singleton %d ms after kill -9 of node-a%n", (System.nanoTime() - kill) / 1_000_000);
            assertEquals(Map.of("node-b", SINGLETONS.size()), LeadershipLocks.holders(url, pg));
            Poll.until("node-b's audit retention ran", 60_000, () -> oldEntries(url, pg) == 0);
            String log = Files.readString(dir.resolve("node-b.err")); // the log goes to stderr
            assertTrue(log.contains("node node-b now runs the MISSING watch"), log);
            assertTrue(log.contains("node node-b now runs the audit log retention"), log);
        } finally {
            if (a.isAlive()) {
                a.destroyForcibly();
            }
            if (b != null) {
                ManagerProcess.stop(b);
            }
        }
        assertTrue(LeadershipLocks.holders(url, pg).isEmpty(), "node-b's stop freed every lock");
    }

    private Path config(String node, String url, String password) throws Exception {
        Path file = dir.resolve(node + ".properties");
        Files.writeString(file, String.join("\n", "data.dir = " + dir.resolve(node + "-data"), "web.port = 0",
                "db.url = " + url, "db.user = " + PostgresServer.USER, "db.password = " + password,
                "cluster.node = " + node, "cluster.leader.retry-ms = 500", ""));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private Process start(String node, Path config) throws Exception {
        Process p = ManagerProcess.start(dir, dir.resolve(node + ".out"), dir.resolve(node + ".err"), "run", "-c", config.toString());
        Poll.until("manager run (" + node + ") ready", 180_000, () -> {
            try {
                if (!p.isAlive()) {
                    throw new AssertionError("manager run ended with " + p.exitValue() + ": " + Files.readString(dir.resolve(node + ".err"))
                            + Files.readString(dir.resolve(node + ".out")));
                }
                return Files.readString(dir.resolve(node + ".out")).contains("fleet: http");
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        return p;
    }

    private static long oldEntries(String url, PostgresServer pg) {
        try (Connection c = DriverManager.getConnection(url, PostgresServer.USER, pg.password());
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM audit_log WHERE action = 'old.entry'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
