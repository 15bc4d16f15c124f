package cn.egov.manager.taskbook;

import java.util.List;

/**
 * How far a city (or the province) has come with the year's tasks.
 *
 * @param code        city code (4 digits), or {@code 13} for the province
 * @param name        its name
 * @param units       units in it
 * @param donePerTask units that have done each task, in {@link AnnualTask} order
 * @param done        tasks done, all units together
 * @param total       tasks due: units × tasks
 * @param percent     done / total, rounded down, 0–100
 */
public record Progress(String code, String name, int units, List<Integer> donePerTask, int done, int total, int percent) {

    public Progress {
        donePerTask = List.copyOf(donePerTask);
    }
}
