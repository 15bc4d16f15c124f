package cn.egov.manager.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.BoxMetrics;
import cn.egov.rules.unit.UnitCode;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Status transitions with explicit times (no clock). */
class FleetRegistryTest {

    private final FleetRegistry fleet = new FleetRegistry(PlaceNames.HEBEI, 3, 60);
    private final UnitCode unit = UnitCode.parse("130602-001");

    /** One change, taken over at once (no store in this test). */
    private <T> T change(FleetRegistry.Update<T> u) {
        try {
            return fleet.update(u);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void missingOnlyAfterThreeIntervalsOfTheBoxsOwnInterval() {
        MissingRule rule = fleet.missingRule();
        // connected at 0, last health at 1,000, interval 10 s
        assertTrue(rule.overdue(0, 1_000, 10, 31_000).isEmpty(), "exactly 3 intervals: not yet");
        assertEquals("no health for 30 s (3 × 10 s)", rule.overdue(0, 1_000, 10, 31_001).orElseThrow());
        assertTrue(rule.overdue(20_000, 1_000, 10, 31_001).isEmpty(), "a box connected later gets the full allowance from then");
        assertTrue(rule.overdue(20_000, 0, 10, 50_001).isPresent(), "no health ever: counted from the connection");
    }

    @Test
    void healthWhileMissingReconnects() {
        change(c -> c.onBirth(unit, KuraPayload.builder().metric(BoxMetrics.HEALTH_INTERVAL_S, 10).build(), 0));
        BoxState connected = fleet.get("130602-001").orElseThrow();
        change(c -> {
            c.stored(java.util.List.of(connected.withStatus(BoxStatus.MISSING, 40_000, "no health for 40 s (3 × 10 s)")));
            return null;
        });
        assertEquals(BoxStatus.MISSING, fleet.get("130602-001").orElseThrow().status());
        change(c -> c.onHealth(unit, KuraPayload.builder().build(), 41_000));
        assertEquals(BoxStatus.CONNECTED, fleet.get("130602-001").orElseThrow().status());
        assertEquals("health resumed", fleet.get("130602-001").orElseThrow().lastStatusCause());
    }

    @Test
    void defaultIntervalWithoutTheBirthMetricAndDisconnectCauses() {
        change(c -> c.onBirth(unit, KuraPayload.builder().build(), 0));
        assertEquals(60, fleet.get("130602-001").orElseThrow().healthIntervalS());
        change(c -> c.onDisconnect(unit, "LWT", 5_000));
        BoxState s = fleet.get("130602-001").orElseThrow();
        assertEquals(BoxStatus.DISCONNECTED, s.status());
        assertEquals("LWT", s.lastStatusCause());
        change(c -> c.onHealth(unit, KuraPayload.builder().build(), 6_000));
        assertEquals(BoxStatus.DISCONNECTED, fleet.get("130602-001").orElseThrow().status(), "a late health does not reconnect; BIRTH does");
        change(c -> c.onBirth(unit, KuraPayload.builder().build(), 7_000));
        assertEquals(BoxStatus.CONNECTED, fleet.get("130602-001").orElseThrow().status());
    }

    @Test
    void hierarchyFromTheUnitCode() {
        change(c -> c.onBirth(UnitCode.parse("130105-003"), KuraPayload.builder().build(), 0));
        Place p = fleet.get("130105-003").orElseThrow().place();
        assertEquals("13", p.provinceCode());
        assertEquals("河北省", p.provinceName());
        assertEquals("1301", p.cityCode());
        assertEquals("石家庄市", p.cityName());
        assertEquals("130105", p.countyCode());
        assertEquals("新华区", p.countyName());
        assertEquals("003", p.department());
    }
}
