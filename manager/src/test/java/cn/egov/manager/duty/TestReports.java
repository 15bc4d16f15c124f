package cn.egov.manager.duty;

import cn.egov.api.duty.CapIdentifier;
import cn.egov.api.duty.DutyReport;
import cn.egov.api.duty.DutyReportPayload;
import cn.egov.api.duty.EventCategory;
import cn.egov.api.duty.ReportKind;
import cn.egov.api.duty.ReportLevel;
import cn.egov.api.duty.ReportStatus;
import cn.egov.api.payload.KuraPayload;
import cn.egov.api.telemetry.MessageId;
import cn.egov.rules.unit.UnitCode;
import java.time.Instant;

/** Reports of one incident as a box would file them, and their payloads with outbox message ids. */
final class TestReports {

    private TestReports() {
    }

    static DutyReport initial(UnitCode unit, Instant filed, ReportLevel level) {
        String id = CapIdentifier.of(unit, filed, 0).toString();
        return new DutyReport(id, unit, id, ReportKind.INITIAL, 0, level, ReportStatus.ACTUAL, EventCategory.ACCIDENT, "某化工厂储罐爆炸",
                filed.minusSeconds(600), filed, null, "竞秀区朝阳南大街12号", "储罐区爆炸,现场已疏散", "消防到场处置",
                new DutyReport.Casualties(0, 3, 1), "张三", "0312-1234567");
    }

    static DutyReport next(DutyReport first, ReportKind kind, int number, int secondsLater) {
        Instant at = first.filedAt().plusSeconds(secondsLater);
        return new DutyReport(CapIdentifier.of(first.unit(), at, 0).toString(), first.unit(), first.incident(), kind, number, first.level(),
                first.status(), first.category(), first.title(), first.occurredAt(), at, null, first.location(),
                kind.chinese() + " " + number, "", DutyReport.Casualties.NONE, "张三", "");
    }

    /** The report's payload as the box's outbox sends it: with {@code msg.epoch} and {@code msg.seq}. */
    static KuraPayload payload(DutyReport r, MessageId id) {
        return withId(DutyReportPayload.encode(r), id);
    }

    static KuraPayload withId(KuraPayload p, MessageId id) {
        return KuraPayload.builder().timestamp(p.timestamp()).metrics(p.metrics()).body(p.body()).metric(MessageId.EPOCH_METRIC, id.epoch())
                .metric(MessageId.SEQUENCE_METRIC, id.sequence()).build();
    }
}
