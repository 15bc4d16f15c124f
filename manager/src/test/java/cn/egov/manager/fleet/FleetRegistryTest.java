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
        change(c -> c.onBirth(unit, KuraPayload.builder().metric(BoxMetrics.HEALTH_INTERVAL_S, 10).build(), 0));
        change(c -> c.onHealth(unit, KuraPayload.builder().metric(BoxMetrics.CPU_LOAD, 0.1).build(), 1_000));
        assertTrue(change(c -> c.markMissing(31_000)).isEmpty(), "exactly 3 intervals: not yet");
        assertEquals(1, change(c -> c.markMissing(31_001)).size());
        assertEquals(BoxStatus.MISSING, fleet.get("130602-001").orElseThrow().status());
        assertTrue(change(c -> c.markMissing(40_000)).isEmpty(), "reported once");
        change(c -> c.onHealth(unit, KuraPayload.builder().build(), 41_000));
        assertEquals(BoxStatus.CONNECTED, fleet.get("130602-001").orElseThrow().status());
    }

    @Test
    void defaultIntervalWithoutTheBirthMetricAndDisconnectCauses() {
        change(c -> c.onBirth(unit, KuraPayload.builder().build(), 0));
        assertEquals(60, fleet.get("130602-001").orElseThrow().healthIntervalS());
        change(c -> c.onDisconnect(unit, "LWT", 5_000));
        BoxState s = fleet.get("130602-001").orElseThrow();
        assertEquals(BoxStatus.DISCONNECTED, s.status());
        assertEquals("LWT", s.lastStatusCause());
        assertTrue(change(c -> c.markMissing(10_000_000)).isEmpty(), "a disconnected box is not MISSING");
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
