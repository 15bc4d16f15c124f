package cn.egov.duty;

import cn.egov.api.duty.DutyInputException;
import cn.egov.api.duty.DutyReport;
import cn.egov.api.duty.DutyText;
import cn.egov.api.duty.EventCategory;
import cn.egov.api.duty.ReportLevel;
import cn.egov.api.duty.ReportStatus;
import java.time.Instant;

/**
 * What a duty officer records when an event is reported to them (接报登记): the deadline clock
 * starts from {@code occurredAt}.
 *
 * @param title      what happened
 * @param level      特别重大 ... 一般 (required)
 * @param category   class of event
 * @param status     Actual, Exercise or Test
 * @param occurredAt the recorded time of the event
 */
public record IncidentDraft(String title, ReportLevel level, EventCategory category, ReportStatus status, Instant occurredAt) {
    public IncidentDraft {
        if (level == null) {
            throw new DutyInputException("level", "the event has no level (特别重大, 重大, 较大 or 一般)");
        }
        if (category == null) {
            throw new DutyInputException("category", "the event has no category (自然灾害, 事故灾难, 公共卫生事件 or 社会安全事件)");
        }
        if (occurredAt == null) {
            throw new DutyInputException("occurredAt", "the event has no time");
        }
        status = status == null ? ReportStatus.ACTUAL : status;
        title = DutyText.line("title", title, DutyReport.MAX_TITLE, true);
    }
}
