package cn.egov.manager.ingest;

import cn.egov.manager.ingest.part.IngestPart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.support.Poll;
import cn.egov.manager.support.SimulatedBox;
import cn.egov.manager.support.TlsBox;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * 20 boxes publish 500 QoS 1 health messages each over TLS with their provincial CA certificates
 * (10,000 in all, each acknowledged by the broker) while an attacker tries, the whole time, to get
 * in anonymously, to take a box's session over with its client id and to take the manager's. Every
 * message must be in the real manager's store exactly once, no box and not the manager's
 * subscriber may have lost its connection, and every attempt must have failed.
 */
final class AttackedIngestScenario {

    static final int BOXES = 20;
    static final int HEALTH_PER_BOX = 500;
    static final String MANAGER_ID = "egov-manager";

    /** One attempt of the attacker: true when the broker refused it (or it was harmless by design). */
    @FunctionalInterface
    interface Attempt {
        boolean refused(String victim) throws Exception;
    }

    private AttackedIngestScenario() {
    }

    /** Units of real Shijiazhuang districts and counties (no plan is loaded in these tests: the province decides). */
    static List<String> units() {
        List<String> units = new ArrayList<>();
        List<String> counties = cn.egov.rules.plan.Divisions.hebei().counties("1301").stream()
                .map(cn.egov.rules.plan.Divisions.Division::code).toList();
        for (int i = 0; i < BOXES; i++) {
            units.add(counties.get(i % counties.size()) + String.format("-%03d", 200 + i));
        }
        return units;
    }

    static Map<String, TlsBox> certificates(ProvincialCa ca, Path dir) throws Exception {
        Map<String, TlsBox> boxes = new HashMap<>();
        for (String unit : units()) {
            boxes.put(unit, TlsBox.issue(ca, unit, dir));
        }
        return boxes;
    }

    /** Runs the boxes and the attacker; returns the number of attempts made. */
    static int run(ManagerAssembly manager, String tlsUrl, Map<String, TlsBox> boxes, List<Attempt> attempts) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(BOXES + 1);
        AtomicBoolean publishing = new AtomicBoolean(true);
        AtomicInteger made = new AtomicInteger();
        List<String> units = units();
        Map<String, SimulatedBox> connected = new java.util.concurrent.ConcurrentHashMap<>();
        try {
            Future<?> attacker = pool.submit(() -> {
                int i = 0;
                while (publishing.get() || made.get() < attempts.size()) {
                    Attempt a = attempts.get(i % attempts.size());
                    String victim = units.get(i % units.size());
                    if (!a.refused(victim)) {
                        throw new AssertionError("attempt " + i % attempts.size() + " against " + victim + " was not refused");
                    }
                    made.incrementAndGet();
                    i++;
                }
                return null;
            });
            List<Future<?>> done = new ArrayList<>();
            for (String unit : units) {
                done.add(pool.submit(() -> {
                    SimulatedBox box = new SimulatedBox(tlsUrl, unit).withTls(boxes.get(unit).socketFactory()).connect();
                    connected.put(unit, box);
                    box.birth(60);
                    for (int n = 0; n < HEALTH_PER_BOX; n++) {
                        box.health();
                    }
                    box.flush();
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(300, TimeUnit.SECONDS);
            }
            publishing.set(false);
            attacker.get(300, TimeUnit.SECONDS);

            long expected = (long) BOXES * HEALTH_PER_BOX;
            Poll.until("all health stored", 300_000, () -> count(manager, "SELECT COUNT(*) FROM health_samples") >= expected);
            for (String unit : units) {
                SimulatedBox box = connected.get(unit);
                assertEquals(0, box.connectionLosses(), unit + " lost its connection: its session was taken over");
                assertTrue(box.isConnected(), unit + " is still connected");
            }
            assertEquals(0, manager.part(IngestPart.class).metrics().connectionLosses.sum(), "the manager's subscriber lost its connection");
            assertEquals(expected, count(manager, "SELECT COUNT(*) FROM health_samples"), "health rows");
            try (Connection c = manager.database().connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT client_id, msg_epoch, COUNT(*), COUNT(DISTINCT msg_seq), MIN(msg_seq), MAX(msg_seq)"
                         + " FROM health_samples GROUP BY client_id, msg_epoch")) {
                int groups = 0;
                while (rs.next()) {
                    groups++;
                    String unit = rs.getString(1);
                    assertEquals(connected.get(unit).epoch(), rs.getString(2), unit + ": a message the box never sent");
                    assertEquals(HEALTH_PER_BOX, rs.getLong(3), unit + " rows");
                    assertEquals(HEALTH_PER_BOX, rs.getLong(4), unit + " distinct");
                    assertEquals(1, rs.getLong(5), unit + " first");
                    assertEquals(HEALTH_PER_BOX, rs.getLong(6), unit + " last");
                }
                assertEquals(BOXES, groups, "one sender per box");
            }
            assertEquals(BOXES, manager.fleet().list().size(), "the fleet: the 20 boxes and nobody else");
            return made.get();
        } finally {
            for (SimulatedBox b : connected.values()) {
                b.close();
            }
            pool.shutdownNow();
        }
    }

    static long count(ManagerAssembly m, String sql) {
        try (Connection c = m.database().connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
