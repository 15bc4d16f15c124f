package cn.egov.duty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.duty.DutyInputException;
import cn.egov.api.duty.DutyTopics;
import cn.egov.api.duty.Roster;
import cn.egov.api.duty.RosterPayload;
import cn.egov.api.duty.Shift;
import cn.egov.api.duty.ShiftRole;
import cn.egov.api.telemetry.Priority;
import cn.egov.duty.store.DutyStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may change the roster, and a swap that changes it only once someone else approves. */
class RosterTest {

    static final DutyActor TECHNICIAN = new DutyActor("tech-liu", "130602-001", false, true);
    static final DutyActor LEAD = new DutyActor("lead-wang", "130602-001", true, false);
    static final DutyActor ZHANG = DutyDeskTest.OFFICER;

    @TempDir
    Path dir;

    @Test
    void leadsAndTechniciansKeepTheRosterOfficersAskForSwaps() throws Exception {
        RecordingTelemetry telemetry = new RecordingTelemetry();
        Instant day = Instant.parse("2026-07-01T00:00:00Z");
        MutableClock clock = new MutableClock(day.plusSeconds(3600));
        try (DutyStore store = new DutyStore(dir.resolve("duty.db"))) {
            DutyDesk desk = new DutyDesk(DutyDeskTest.UNIT, store, DutyDeskTest.settings(), telemetry, clock);
            Shift night = new Shift("d1-night", day.plusSeconds(12 * 3600), day.plusSeconds(24 * 3600), ShiftRole.OFFICER, "张三", "139 0000 0001");
            desk.putShift(new Shift("d1-day", day, day.plusSeconds(12 * 3600), ShiftRole.OFFICER, "李四", "139 0000 0002"), TECHNICIAN);
            desk.putShift(night, LEAD);
            assertThrows(DutyForbiddenException.class, () -> desk.putShift(night, ZHANG), "an officer who is no lead may not edit");
            assertThrows(DutyForbiddenException.class, () -> desk.putShift(night,
                    new DutyActor("tech-other", "130603-001", false, true)), "nor a technician of another unit");
            assertEquals(2, store.rosterVersion());

            SwapRequest asked = desk.requestSwap("d1-night", "王五", "139 0000 0003", "家中有事", ZHANG);
            assertEquals(SwapRequest.State.PENDING, asked.state());
            assertEquals("张三", store.shift("d1-night").orElseThrow().person(), "nothing changes before approval");
            DutyForbiddenException self = assertThrows(DutyForbiddenException.class, () -> desk.decideSwap(asked.id(), true,
                    new DutyActor("duty-zhang", "130602-001", true, true)));
            assertTrue(self.getMessage().contains("cannot decide it"), self.getMessage());
            assertThrows(DutyForbiddenException.class, () -> desk.decideSwap(asked.id(), true, new DutyActor("duty-li", "130602-001", true, false)),
                    "an officer who is no lead cannot approve");
            SwapRequest approved = desk.decideSwap(asked.id(), true, LEAD);
            assertEquals(SwapRequest.State.APPROVED, approved.state());
            assertEquals("lead-wang", approved.decidedBy());
            assertEquals("王五", store.shift("d1-night").orElseThrow().person());
            assertEquals(3, store.rosterVersion());
            assertEquals("swap request " + asked.id() + " was already approved",
                    assertThrows(DutyInputException.class, () -> desk.decideSwap(asked.id(), false, TECHNICIAN)).getMessage());

            // every change was published, the last one with the swap, at priority STATE
            List<RecordingTelemetry.Published> rosters = telemetry.of(DutyTopics.APP, DutyTopics.ROSTER);
            assertEquals(3, rosters.size());
            assertEquals(Priority.STATE, rosters.get(2).priority());
            Roster published = RosterPayload.decode(rosters.get(2).payload());
            assertEquals(3, published.version());
            assertEquals(List.of("王五"), published.onDuty(day.plusSeconds(13 * 3600)).stream().map(Shift::person).toList());

            // a refused swap changes nothing; bad requests are refused
            SwapRequest second = desk.requestSwap("d1-day", "赵六", "", "", ZHANG);
            desk.decideSwap(second.id(), false, TECHNICIAN);
            assertEquals("李四", store.shift("d1-day").orElseThrow().person());
            assertEquals(3, store.rosterVersion());
            assertEquals("shift", assertThrows(DutyInputException.class, () -> desk.requestSwap("nope", "赵六", "", "", ZHANG)).field());
            assertEquals("person", assertThrows(DutyInputException.class, () -> desk.requestSwap("d1-day", "李四", "", "", ZHANG)).field());
            assertEquals("reason", assertThrows(DutyInputException.class,
                    () -> desk.requestSwap("d1-day", "赵六", "", "x".repeat(SwapRequest.MAX_REASON + 1), ZHANG)).field());
        }
    }
}
