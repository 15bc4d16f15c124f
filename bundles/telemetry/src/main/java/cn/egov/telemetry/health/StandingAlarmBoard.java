package cn.egov.telemetry.health;

import cn.egov.api.launcher.StandingAlarms;
import cn.egov.api.telemetry.Alarm;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The box's standing conditions, one per alarm kind: the latest raise of a kind replaces the one
 * before, a CLEARED alarm of the kind removes it. In memory only: at start every capability
 * evaluates its conditions again and raises those that hold.
 */
public final class StandingAlarmBoard implements StandingAlarms {
    private final Map<String, Standing> byKind = new LinkedHashMap<>();

    /** Records a condition alarm (raise or clear). */
    public synchronized void record(Alarm alarm) {
        if (alarm.severity() == Alarm.Severity.CLEARED) {
            byKind.remove(alarm.kind());
        } else {
            byKind.put(alarm.kind(), new Standing(alarm.kind(), alarm.severity().name(), alarm.source(), alarm.message(),
                    alarm.time()));
        }
    }

    @Override
    public synchronized List<Standing> standing() {
        List<Standing> all = new ArrayList<>(byKind.values());
        all.sort(Comparator.comparingLong(Standing::since));
        return List.copyOf(all);
    }
}
