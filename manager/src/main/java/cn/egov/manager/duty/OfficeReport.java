package cn.egov.manager.duty;

import cn.egov.api.duty.DutyReport;
import java.time.Instant;

/**
 * A report as the province's duty office keeps it: the report, when it arrived, whether it met its
 * deadline, and where it stands (acknowledged, or which step of the escalation chain holds it).
 *
 * @param report           the report as the box filed it
 * @param receivedAt       when the manager received it
 * @param late             a 初报 filed after its written deadline
 * @param acknowledgedAt   when a duty officer acknowledged it (签收), or null
 * @param acknowledgedBy   who, or null
 * @param note             the officer's note, or empty
 * @param step             the escalation step holding it (0 = the first)
 * @param nextEscalationAt when it escalates next if still unacknowledged, or null (acknowledged, or the chain is spent)
 * @param alarms           NOC alarms raised for it so far
 */
public record OfficeReport(DutyReport report, Instant receivedAt, boolean late, Instant acknowledgedAt, String acknowledgedBy,
                           String note, int step, Instant nextEscalationAt, int alarms) {

    public boolean acknowledged() {
        return acknowledgedAt != null;
    }

    /** True once the report has left the first step of the chain unacknowledged. */
    public boolean escalated() {
        return step > 0 || alarms > 0;
    }
}
