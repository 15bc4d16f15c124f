package cn.egov.manager.taskbook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The task book of one year for the units of a scope: what exports hash and attach (progress is
 * derived from it).
 *
 * @param year  the calendar year
 * @param scope the province, a city or a county
 * @param units every unit of the scope the caller may see, in code order
 */
public record Taskbook(int year, String scope, List<UnitTasks> units) {

    public Taskbook {
        units = List.copyOf(units);
    }

    /** Progress per city, in code order. */
    public List<Progress> perCity() {
        Map<String, List<UnitTasks>> cities = new LinkedHashMap<>();
        for (UnitTasks u : units) {
            cities.computeIfAbsent(u.unit().cityCode(), k -> new ArrayList<>()).add(u);
        }
        List<Progress> out = new ArrayList<>();
        cities.forEach((code, list) -> out.add(progress(code, list.get(0).unit().cityName(), list)));
        return out;
    }

    /** Progress of all units together. */
    public Progress total(String name) {
        return progress(scope, name, units);
    }

    static Progress progress(String code, String name, List<UnitTasks> units) {
        int[] perTask = new int[AnnualTask.values().length];
        int done = 0;
        for (UnitTasks u : units) {
            for (TaskCell c : u.tasks()) {
                if (c.status() == TaskStatus.DONE) {
                    perTask[c.task().ordinal()]++;
                    done++;
                }
            }
        }
        int total = units.size() * AnnualTask.values().length;
        List<Integer> per = new ArrayList<>();
        for (int n : perTask) {
            per.add(n);
        }
        return new Progress(code, name, units.size(), per, done, total, total == 0 ? 0 : (int) (100L * done / total));
    }
}
