package cn.egov.api.duty;

import java.time.Instant;

/**
 * What the province's duty office did with one report, as the manager tells the box.
 *
 * @param reportId       the report's identifier
 * @param receivedAt     when the manager received it
 * @param acknowledgedAt when a duty officer acknowledged it (签收), or null
 * @param acknowledgedBy who acknowledged it, or empty
 * @param escalationStep 0 while with the first step of the escalation chain, then 1, 2, ...
 * @param escalatedTo    the name of the step now holding it (e.g. 省值班室), or empty
 */
public record ReportReceipt(String reportId, Instant receivedAt, Instant acknowledgedAt, String acknowledgedBy,
                            int escalationStep, String escalatedTo) {
    public ReportReceipt {
        CapIdentifier.parse(reportId);
        if (receivedAt == null) {
            throw new DutyInputException("received", "receipt of " + reportId + " has no time of receipt");
        }
        acknowledgedBy = acknowledgedBy == null ? "" : acknowledgedBy;
        escalatedTo = escalatedTo == null ? "" : escalatedTo;
    }

    public boolean acknowledged() {
        return acknowledgedAt != null;
    }
}
