package cn.egov.api.duty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayload;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.rules.unit.UnitCode;
import org.junit.jupiter.api.Test;

class DutyReportTest {

    private final DutyReport first = Reports.initial();

    @Test
    void roundTripThroughTheWire() throws Exception {
        DutyReport follow = Reports.next(first, ReportKind.FOLLOW_UP, 1, 30);
        for (DutyReport r : new DutyReport[] {first, follow}) {
            KuraPayload p = KuraPayloadCodec.decode(KuraPayloadCodec.encode(DutyReportPayload.encode(r)));
            assertEquals(r, DutyReportPayload.decode(p));
            assertEquals(r.filedAt().toEpochMilli(), p.timestamp());
        }
        assertEquals("续报 1", follow.label());
        assertEquals("初报", first.label());
    }

    @Test
    void aReportWithoutALevelIsRefused() {
        KuraPayload noLevel = without(DutyReportPayload.encode(first), DutyReportPayload.LEVEL);
        DutyInputException e = assertThrows(DutyInputException.class, () -> DutyReportPayload.decode(noLevel));
        assertEquals("level", e.field());
        assertTrue(e.getMessage().contains("has no level"), e.getMessage());
        assertEquals("level", assertThrows(DutyInputException.class, () -> withLevel(first, null)).field());
        assertEquals("level", assertThrows(DutyInputException.class,
                () -> DutyReportPayload.decode(with(DutyReportPayload.encode(first), DutyReportPayload.LEVEL, "严重"))).field());
    }

    @Test
    void oversizeTextIsRefusedNamingTheField() {
        String longTitle = "爆".repeat(DutyReport.MAX_TITLE + 1);
        DutyInputException e = assertThrows(DutyInputException.class,
                () -> DutyReportPayload.decode(with(DutyReportPayload.encode(first), DutyReportPayload.TITLE, longTitle)));
        assertEquals("title", e.field());
        assertEquals("title has 101 characters, at most 100 are allowed", e.getMessage());
        assertEquals("description", assertThrows(DutyInputException.class, () -> DutyReportPayload.decode(
                with(DutyReportPayload.encode(first), DutyReportPayload.DESCRIPTION, "x".repeat(DutyReport.MAX_DESCRIPTION + 1)))).field());
        assertEquals("measures", assertThrows(DutyInputException.class, () -> DutyReportPayload.decode(
                with(DutyReportPayload.encode(first), DutyReportPayload.MEASURES, "x".repeat(DutyReport.MAX_MEASURES + 1)))).field());
        // exactly at the bound is fine, counted in characters (not UTF-16 units or bytes)
        DutyReportPayload.decode(with(DutyReportPayload.encode(first), DutyReportPayload.TITLE, "𠀀".repeat(DutyReport.MAX_TITLE)));
    }

    @Test
    void fieldsThatCannotBeTrueAreRefused() {
        KuraPayload p = DutyReportPayload.encode(first);
        assertEquals("title", refusal(with(p, DutyReportPayload.TITLE, "line\nbreak")));
        assertEquals("description", refusal(with(p, DutyReportPayload.DESCRIPTION, "bell\u0007")));
        assertEquals("occurredAt", refusal(with(p, DutyReportPayload.OCCURRED_AT, first.filedAt().plusSeconds(3600).toEpochMilli())));
        assertEquals("phoneReportedAt", refusal(with(p, DutyReportPayload.PHONE_REPORTED_AT, first.occurredAt().minusSeconds(1).toEpochMilli())));
        assertEquals("deaths", refusal(with(p, DutyReportPayload.DEATHS, -1)));
        assertEquals("number", refusal(with(p, DutyReportPayload.NUMBER, 1)));
        assertEquals("number", refusal(with(p, DutyReportPayload.NUMBER, "1")));
        assertEquals("id", refusal(with(p, DutyReportPayload.ID, "13060200200000_20260701093125_0")));
        assertEquals("unit", refusal(with(p, DutyReportPayload.UNIT, "1306-1")));
        assertEquals("kind", refusal(without(p, DutyReportPayload.KIND)));
        assertEquals("category", refusal(without(p, DutyReportPayload.CATEGORY)));
        assertEquals("reporter", refusal(without(p, DutyReportPayload.REPORTER)));
        assertEquals("filed_at", refusal(without(p, DutyReportPayload.FILED_AT)));
        assertEquals("incident", refusal(with(p, DutyReportPayload.INCIDENT, Reports.id(Reports.FILED.plusSeconds(1), 0))));
        // a 续报 needs a number from 1 and cannot be its own incident
        assertEquals("number", refusal(with(p, DutyReportPayload.KIND, "FOLLOW_UP")));
    }

    @Test
    void kindsLevelsAndStatusesReadInChineseOrEnglish() {
        assertEquals(ReportKind.FOLLOW_UP, ReportKind.parse("续报"));
        assertEquals(ReportKind.FOLLOW_UP, ReportKind.parse("follow-up"));
        assertEquals(ReportLevel.EXTRAORDINARY, ReportLevel.parse("特别重大"));
        assertEquals(ReportLevel.GENERAL, ReportLevel.parse("General"));
        assertEquals(ReportStatus.EXERCISE, ReportStatus.parse("演练"));
        assertEquals(ReportStatus.ACTUAL, ReportStatus.parse(""));
        assertEquals(EventCategory.PUBLIC_HEALTH, EventCategory.parse("公共卫生事件"));
        assertEquals("status", assertThrows(DutyInputException.class, () -> ReportStatus.parse("Draft")).field());
        assertEquals(UnitCode.parse("130602-001"), first.identifier().unit());
    }

    private static String refusal(KuraPayload p) {
        return assertThrows(DutyInputException.class, () -> DutyReportPayload.decode(p)).field();
    }

    private static KuraPayload with(KuraPayload p, String metric, Object value) {
        return KuraPayload.builder().timestamp(p.timestamp()).metrics(p.metrics()).metric(metric, value).build();
    }

    private static KuraPayload without(KuraPayload p, String metric) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>(p.metrics());
        m.remove(metric);
        return KuraPayload.builder().timestamp(p.timestamp()).metrics(m).build();
    }

    private static DutyReport withLevel(DutyReport r, ReportLevel level) {
        return new DutyReport(r.id(), r.unit(), r.incident(), r.kind(), r.number(), level, r.status(), r.category(), r.title(),
                r.occurredAt(), r.filedAt(), r.phoneReportedAt(), r.location(), r.description(), r.measures(), r.casualties(),
                r.reporter(), r.phone());
    }
}
