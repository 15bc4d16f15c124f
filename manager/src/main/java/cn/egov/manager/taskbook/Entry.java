package cn.egov.manager.taskbook;

/**
 * A task's status as a person entered it (a task no report can show: an inspection on site).
 *
 * @param year      the task book's year
 * @param unit      the unit code
 * @param task      a task that is not {@link AnnualTask#derived}
 * @param done      done or not
 * @param note      what was seen, by whom, where the document is: required
 * @param enteredBy the account that entered it
 * @param role      its role
 * @param enteredAt when (ms since the epoch)
 */
public record Entry(int year, String unit, AnnualTask task, boolean done, String note, String enteredBy, String role, long enteredAt) {
}
