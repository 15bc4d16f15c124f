package cn.egov.manager.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.metrics.Meters;
import cn.egov.manager.store.Database;
import cn.egov.manager.support.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes (two {@link Leadership}s, each with its own session) on one real PostgreSQL database:
 * each singleton runs on exactly one of them; when the holder's session dies (its backend
 * terminated, as when its process is killed or its link breaks), the holder stops its singletons
 * and the other node takes them over; at no moment do two runs of one singleton overlap. On SQLite
 * every singleton simply runs.
 */
class LeadershipTest {

    private static final Duration RETRY = Duration.ofMillis(200);
    private static final Duration PERIOD = Duration.ofMillis(20);
    private static final List<String> SINGLETONS = List.of("crl-publisher", "missing-watch");
    /** Generous bound of a wait for something that must happen (not a speed target: 2 loaded cores). */
    private static final long PATIENCE_MS = 60_000;

    @TempDir
    Path dir;

    /** Runs of one singleton: how many now, the most at once, and how many per node. */
    private static final class Runs {
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        final Map<String, LongAdder> byNode = new ConcurrentHashMap<>();

        Runnable work(String node) {
            return () -> {
                int n = now.incrementAndGet();
                most.accumulateAndGet(n, Math::max);
                byNode.computeIfAbsent(node, k -> new LongAdder()).increment();
                try {
                    Thread.sleep(5); // a run that takes a while, so that an overlap would be seen
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    now.decrementAndGet();
                }
            };
        }

        long of(String node) {
            LongAdder a = byNode.get(node);
            return a == null ? 0 : a.sum();
        }
    }

    @Test
    void oneNodeRunsEachSingletonAndTheOtherTakesOverWhenItsSessionDies() throws Exception {
        Database db = PostgresServer.shared().newDatabase();
        Map<String, Runs> runs = new ConcurrentHashMap<>();
        SINGLETONS.forEach(s -> runs.put(s, new Runs()));
        Meters metersA = new Meters();
        Meters metersB = new Meters();
        try (Leadership a = new Leadership(db, "node-a", RETRY, metersA)) {
            SINGLETONS.forEach(s -> a.every(s, "the " + s, PERIOD, runs.get(s).work("node-a")));
            awaitTrue("node-a takes both singletons", () -> SINGLETONS.stream().allMatch(a::holds));
            try (Leadership b = new Leadership(db, "node-b", RETRY, metersB)) {
                SINGLETONS.forEach(s -> b.every(s, "the " + s, PERIOD, runs.get(s).work("node-b")));
                // b has tried (and failed) several times meanwhile; a kept running
                long aBefore = runs.get("missing-watch").of("node-a");
                awaitTrue("node-a keeps running", () -> runs.get("missing-watch").of("node-a") > aBefore + 20);
                for (String s : SINGLETONS) {
                    assertFalse(b.holds(s), s + " held by node-a only");
                    assertEquals(0, runs.get(s).of("node-b"), s + " never ran on node-b while node-a held it");
                }
                assertTrue(metersA.scrape().contains("cluster_singleton_held{singleton=\"missing-watch\"} 1"), metersA.scrape());
                assertTrue(metersB.scrape().contains("cluster_singleton_held{singleton=\"missing-watch\"} 0"), metersB.scrape());
                assertEquals(1, lockHolders(db), "one session holds the singletons' locks");

                // node-a's session dies (the server ends it, as when node-a is killed or cut off)
                assertEquals(1, terminateLockHolders(db));
                awaitTrue("node-b takes both singletons", () -> SINGLETONS.stream().allMatch(b::holds));
                assertTrue(SINGLETONS.stream().noneMatch(a::holds), "node-a stopped its singletons");
                long aAfter = runs.get("missing-watch").of("node-a");
                long bAt = runs.get("missing-watch").of("node-b");
                awaitTrue("node-b keeps running", () -> runs.get("missing-watch").of("node-b") > bAt + 20);
                assertEquals(aAfter, runs.get("missing-watch").of("node-a"), "node-a ran nothing after node-b took over");
                assertTrue(SINGLETONS.stream().noneMatch(a::holds), "node-a, on a new session, does not take them back");
                assertTrue(metersB.scrape().contains("cluster_singleton_held{singleton=\"crl-publisher\"} 1"), metersB.scrape());
                assertTrue(metersA.scrape().contains("cluster_singleton_held{singleton=\"crl-publisher\"} 0"), metersA.scrape());
            }
            // node-b stops (closes its session): node-a takes them back
            awaitTrue("node-a takes them back after node-b stopped", () -> SINGLETONS.stream().allMatch(a::holds));
        }
        for (String s : SINGLETONS) {
            assertEquals(1, runs.get(s).most.get(), s + ": never two runs at once");
            assertTrue(runs.get(s).of("node-a") > 0 && runs.get(s).of("node-b") > 0, s + " ran on both nodes in turn");
        }
        // a closed session's backend ends (and frees its locks) just after the client's close returns
        awaitTrue("no lock left once both nodes stopped", () -> {
            try {
                return lockHolders(db) == 0;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void onSqliteEverySingletonRunsOnTheOneNode() throws Exception {
        Database db = Database.open("jdbc:sqlite:" + dir.resolve("manager.db"));
        Runs runs = new Runs();
        try (Leadership only = new Leadership(db, "node-a", RETRY, new Meters())) {
            only.every("missing-watch", "the MISSING watch", PERIOD, runs.work("node-a"));
            assertTrue(only.holds("missing-watch"));
            awaitTrue("it runs", () -> runs.of("node-a") > 3);
        }
        long stopped = runs.of("node-a");
        Thread.sleep(PERIOD.toMillis() * 5);
        assertEquals(stopped, runs.of("node-a"), "no run after close");
    }

    @Test
    void lockKeysAreStableAndDistinct() {
        assertEquals(Leadership.key("crl-publisher"), Leadership.key("crl-publisher"));
        assertFalse(Leadership.key("crl-publisher") == Leadership.key("missing-watch"));
    }

    private static long lockHolders(Database db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT COUNT(DISTINCT pid) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                        + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long terminateLockHolders(Database db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM (SELECT DISTINCT pid FROM pg_locks"
                        + " WHERE locktype = 'advisory' AND granted"
                        + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())) h) t")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.currentTimeMillis() + PATIENCE_MS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("not within " + PATIENCE_MS / 1000 + " s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
