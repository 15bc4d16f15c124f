package cn.egov.duty;

import cn.egov.api.duty.DutyReport;
import cn.egov.api.duty.ReportReceipt;

/**
 * A report as the box keeps it: the report, who filed it, whether it is in the outbox, and what the
 * province's duty office did with it (the manager's receipt, null until one arrives).
 *
 * @param report      the report
 * @param incidentKey the incident it belongs to
 * @param filedBy     the account that filed it
 * @param queued      true once it is in the telemetry outbox
 * @param receipt     the manager's receipt, or null
 */
public record FiledReport(DutyReport report, long incidentKey, String filedBy, boolean queued, ReportReceipt receipt) {
}
