package cn.egov.api.duty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RosterAndReceiptsTest {

    private static final Instant DAY = Instant.parse("2026-07-01T00:00:00Z");

    @Test
    void rosterRoundTripAndWhoIsOnDuty() throws Exception {
        Roster roster = new Roster(Reports.UNIT, 7, DAY, List.of(
                new Shift("s2", DAY.plusSeconds(12 * 3600), DAY.plusSeconds(24 * 3600), ShiftRole.OFFICER, "王五", "139 0000 0002"),
                new Shift("s1", DAY, DAY.plusSeconds(12 * 3600), ShiftRole.OFFICER, "张三", "139 0000 0001"),
                new Shift("lead", DAY, DAY.plusSeconds(24 * 3600), ShiftRole.LEAD, "赵局长", "")));
        Roster back = RosterPayload.decode(KuraPayloadCodec.decode(KuraPayloadCodec.encode(RosterPayload.encode(roster))));
        assertEquals(roster, back);
        assertEquals(List.of("lead", "s1", "s2"), back.shifts().stream().map(Shift::id).toList());
        assertEquals(List.of("赵局长", "王五"), back.onDuty(DAY.plusSeconds(13 * 3600)).stream().map(Shift::person).toList());
        assertEquals(List.of("赵局长", "张三"), back.onDuty(DAY).stream().map(Shift::person).toList());
    }

    @Test
    void badShiftsAreRefused() {
        assertEquals("end", assertThrows(DutyInputException.class,
                () -> new Shift("a", DAY, DAY, ShiftRole.OFFICER, "张三", "")).field());
        assertEquals("end", assertThrows(DutyInputException.class,
                () -> new Shift("a", DAY, DAY.plusSeconds(8 * 86400), ShiftRole.OFFICER, "张三", "")).field());
        assertEquals("person", assertThrows(DutyInputException.class,
                () -> new Shift("a", DAY, DAY.plusSeconds(60), ShiftRole.OFFICER, " ", "")).field());
        assertEquals("id", assertThrows(DutyInputException.class,
                () -> new Shift("a/b", DAY, DAY.plusSeconds(60), ShiftRole.OFFICER, "张三", "")).field());
        assertEquals("role", assertThrows(DutyInputException.class, () -> ShiftRole.parse("boss")).field());
        List<Shift> many = new ArrayList<>();
        for (int i = 0; i <= Roster.MAX_SHIFTS; i++) {
            many.add(new Shift("s" + i, DAY, DAY.plusSeconds(60), ShiftRole.OFFICER, "张三", ""));
        }
        assertEquals("shifts", assertThrows(DutyInputException.class, () -> new Roster(Reports.UNIT, 1, DAY, many)).field());
        KuraPayload notJson = KuraPayload.builder().timestamp(1).metric("unit", "130602-001").metric("version", 1L)
                .body("{\"shifts\":[".getBytes(StandardCharsets.UTF_8)).build();
        DutyInputException e = assertThrows(DutyInputException.class, () -> RosterPayload.decode(notJson));
        assertTrue(e.getMessage().startsWith("roster body is not JSON"), e.getMessage());
    }

    @Test
    void receiptsRoundTrip() throws Exception {
        String a = Reports.id(DAY, 0);
        String b = Reports.id(DAY.plusSeconds(1), 0);
        Receipts r = new Receipts(Reports.UNIT, DAY.plusSeconds(900), List.of(
                new ReportReceipt(b, DAY.plusSeconds(2), null, "", 1, "省值班室"),
                new ReportReceipt(a, DAY.plusSeconds(1), DAY.plusSeconds(300), "duty-zhang", 0, "市值班室")));
        Receipts back = ReceiptsPayload.decode(KuraPayloadCodec.decode(KuraPayloadCodec.encode(ReceiptsPayload.encode(r))));
        assertEquals(r, back);
        assertNull(back.receipts().get(0).acknowledgedAt());
        assertTrue(back.receipts().get(1).acknowledged());
        KuraPayload forged = KuraPayload.builder().timestamp(1).metric("unit", "130602-001")
                .body("{\"receipts\":[{\"id\":\"x\",\"received\":1,\"step\":0}]}".getBytes(StandardCharsets.UTF_8)).build();
        assertEquals("id", assertThrows(DutyInputException.class, () -> ReceiptsPayload.decode(forged)).field());
    }

    /** The form takes Beijing time; the refusal quoted UTC instants, eight hours off what was typed. */
    @Test
    void aShiftEndingBeforeItStartsIsRefusedInBeijingTime() {
        DutyInputException e = assertThrows(DutyInputException.class, () -> new Shift("d1207", Instant.parse("2026-12-07T12:00:00Z"),
                Instant.parse("2026-12-07T00:00:00Z"), ShiftRole.OFFICER, "李四", ""));
        assertEquals("shift d1207 ends (2026-12-07 08:00:00 (Beijing time)) before it starts (2026-12-07 20:00:00)", e.getMessage());
    }
}
