package cn.egov.api.duty;

import cn.egov.rules.unit.UnitCode;
import java.time.Instant;

/** Reports of one incident for tests: a 初报 and the reports that may follow it. */
final class Reports {
    static final UnitCode UNIT = UnitCode.parse("130602-001");
    static final Instant EVENT = Instant.parse("2026-07-01T01:20:00Z");
    static final Instant FILED = Instant.parse("2026-07-01T01:31:25Z");

    private Reports() {
    }

    static String id(Instant at, int serial) {
        return CapIdentifier.of(UNIT, at, serial).toString();
    }

    static DutyReport initial() {
        return initialAt(FILED);
    }

    static DutyReport initialAt(Instant filed) {
        String id = id(filed, 0);
        return new DutyReport(id, UNIT, id, ReportKind.INITIAL, 0, ReportLevel.MAJOR, ReportStatus.ACTUAL, EventCategory.ACCIDENT,
                "某化工厂储罐爆炸", EVENT, filed, EVENT.plusSeconds(300), "竞秀区朝阳南大街12号", "储罐区发生爆炸,引发火灾。\n现场已疏散。",
                "消防到场处置", new DutyReport.Casualties(0, 3, 1), "张三", "0312-1234567");
    }

    static DutyReport next(DutyReport first, ReportKind kind, int number, int minutesLater) {
        Instant at = first.filedAt().plusSeconds(60L * minutesLater);
        return new DutyReport(id(at, 0), UNIT, first.incident(), kind, number, first.level(), first.status(), first.category(),
                first.title(), first.occurredAt(), at, first.phoneReportedAt(), first.location(), kind.chinese() + " " + number,
                "", new DutyReport.Casualties(1, 3, 0), "李四", "0312-7654321");
    }
}
