package cn.egov.api.duty;

/**
 * Topic levels and alarm kinds of the duty service (值班), shared by the box bundle {@code duty}
 * and the manager's duty office.
 *
 * <table>
 *   <caption>Messages</caption>
 *   <tr><th>topic</th><th>direction, priority</th><th>payload</th></tr>
 *   <tr><td>{@code <acct>/<unit>/DUTY/report}</td><td>box → manager, {@code Priority.CRITICAL}</td><td>{@link DutyReportPayload}</td></tr>
 *   <tr><td>{@code <acct>/<unit>/DUTY/roster}</td><td>box → manager, {@code Priority.STATE}</td><td>{@link RosterPayload}</td></tr>
 *   <tr><td>{@code $EDC/<acct>/<unit>/DUTY/PUT/receipts}</td><td>manager → box, retained</td><td>{@link ReceiptsPayload}</td></tr>
 * </table>
 */
public final class DutyTopics {
    private DutyTopics() {
    }

    /** The application id. */
    public static final String APP = "DUTY";
    /** Telemetry resource of a report. */
    public static final String REPORT = "report";
    /** Telemetry resource of the roster. */
    public static final String ROSTER = "roster";
    /** Control resource of the manager's receipts (retained: a box that was offline gets the latest at connect). */
    public static final String RECEIPTS = "PUT/receipts";

    /** Box alarm: a report is due soon and not yet filed (or phoned). */
    public static final String DEADLINE_APPROACHING = "duty.deadline.approaching";
    /** Box alarm: a report deadline passed without the report. */
    public static final String DEADLINE_MISSED = "duty.deadline.missed";
    /** Manager alarm: a report was not acknowledged in time and went up the escalation chain. */
    public static final String UNACKNOWLEDGED = "duty.report.unacknowledged";
    /** Manager alarm: a report from a box was refused (forged sender, out of sequence, bad field). */
    public static final String REFUSED = "duty.report.refused";
    /** Manager alarm: a 初报 was filed after its written deadline. */
    public static final String LATE = "duty.report.late";
}
