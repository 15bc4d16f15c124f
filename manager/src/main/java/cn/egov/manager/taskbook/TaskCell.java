package cn.egov.manager.taskbook;

/**
 * One unit's standing with one task.
 *
 * @param task      the task
 * @param status    where it stands
 * @param basis     why: the report it was derived from, or the note entered with it
 * @param enteredBy who entered it (account and role), empty when derived
 * @param enteredAt when it was entered (ms), 0 when derived
 */
public record TaskCell(AnnualTask task, TaskStatus status, String basis, String enteredBy, long enteredAt) {

    static TaskCell derived(AnnualTask task, TaskStatus status, String basis) {
        return new TaskCell(task, status, basis, "", 0);
    }
}
