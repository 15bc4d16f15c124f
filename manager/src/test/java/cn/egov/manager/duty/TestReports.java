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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Reports of one incident as a box would file them, and their payloads with outbox message ids. */
final class TestReports {

    /**
     * Serials handed out per unit and second in this JVM: the end-to-end tests share one manager and file reports of
     * one unit at "now minus a few seconds", so two tests ten seconds apart met in the same second with the same
     * identifier, and the second report was refused as "already used by another report" (CI failed on it).
     */
    private static final Map<String, AtomicInteger> SERIALS = new ConcurrentHashMap<>();

    private TestReports() {
    }

    /** An identifier of {@code unit} at {@code at} (second precision) with the next serial of that second (0–9, then again). */
    static String freshId(UnitCode unit, Instant at) {
        int serial = SERIALS.computeIfAbsent(unit + "@" + at.getEpochSecond(), k -> new AtomicInteger()).getAndIncrement() % 10;
        return CapIdentifier.of(unit, at, serial).toString();
    }

    static DutyReport initial(UnitCode unit, Instant filed, ReportLevel level) {
        String id = freshId(unit, filed);
        return new DutyReport(id, unit, id, ReportKind.INITIAL, 0, level, ReportStatus.ACTUAL, EventCategory.ACCIDENT, "某化工厂储罐爆炸",
                filed.minusSeconds(600), filed, null, "竞秀区朝阳南大街12号", "储罐区爆炸,现场已疏散", "消防到场处置",
                new DutyReport.Casualties(0, 3, 1), "张三", "0312-1234567");
    }

    static DutyReport next(DutyReport first, ReportKind kind, int number, int secondsLater) {
        Instant at = first.filedAt().plusSeconds(secondsLater);
        return new DutyReport(freshId(first.unit(), at), first.unit(), first.incident(), kind, number, first.level(),
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
