package cn.egov.manager.taskbook;

import cn.egov.manager.evidence.UnitRef;
import java.util.List;

/**
 * One unit's tasks of the year.
 *
 * @param unit  the unit and its place
 * @param tasks one per {@link AnnualTask}, in order
 */
public record UnitTasks(UnitRef unit, List<TaskCell> tasks) {

    public UnitTasks {
        tasks = List.copyOf(tasks);
    }

    public TaskCell task(AnnualTask t) {
        return tasks.get(t.ordinal());
    }

    /** Tasks done. */
    public int done() {
        return (int) tasks.stream().filter(c -> c.status() == TaskStatus.DONE).count();
    }
}
