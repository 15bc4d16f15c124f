package cn.egov.manager.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.app.ManagerAssembly;
import cn.egov.manager.support.ManagerFixture;
import cn.egov.manager.support.Poll;
import cn.egov.manager.support.SimulatedBox;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BIRTH → CONNECTED, health stops → MISSING after 3 intervals (not before), health again → CONNECTED, DC → DISCONNECTED. */
class FleetLifecycleTest {

    @TempDir
    Path dir;

    @Test
    void birthHealthMissingAndDisconnect() throws Exception {
        try (ManagerAssembly m = ManagerFixture.start(dir);
             SimulatedBox box = SimulatedBox.lab(m, "130602-001").connect()) {
            FleetRegistry fleet = m.fleet();
            box.birth(1);
            box.health();
            box.flush();
            // BIRTH ($EDC/...) and health (hebei/...) reach the manager through two subscriptions, in either order
            Poll.until("box connected with BIRTH and health", 60_000, () -> fleet.get("130602-001")
                    .filter(b -> b.status() == BoxStatus.CONNECTED && b.lastHealth() > 0 && "BIRTH".equals(b.lastStatusCause())).isPresent());
            BoxState connected = fleet.get("130602-001").orElseThrow();
            assertEquals("保定市", connected.place().cityName());
            assertEquals("竞秀区", connected.place().countyName());
            assertEquals(1, connected.healthIntervalS());
            assertEquals(0.25, ((Number) connected.healthFigures().get("cpu_load")).doubleValue());

            // health stops: MISSING, and never before 3 intervals without health
            Poll.until("box missing", 15_000, () -> fleet.get("130602-001").orElseThrow().status() == BoxStatus.MISSING);
            BoxState missing = fleet.get("130602-001").orElseThrow();
            assertTrue(missing.statusSince() - missing.lastHealth() > 3 * 1000L,
                    "MISSING only after 3 health intervals, was after " + (missing.statusSince() - missing.lastHealth()) + " ms");

            box.health();
            box.flush();
            Poll.until("box back", 60_000, () -> fleet.get("130602-001").orElseThrow().status() == BoxStatus.CONNECTED);

            box.disconnectMessage();
            box.flush();
            Poll.until("box disconnected", 60_000, () -> fleet.get("130602-001").orElseThrow().status() == BoxStatus.DISCONNECTED);
            assertEquals("DC", fleet.get("130602-001").orElseThrow().lastStatusCause());
        }
    }
}
