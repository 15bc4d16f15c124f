package cn.egov.manager.report;

import cn.egov.api.telemetry.Alarm;
import cn.egov.manager.evidence.Times;
import cn.egov.manager.store.AlarmStore.StoredAlarm;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The events of one kind of one unit in the period: counted by severity and kind, the first ones
 * kept as evidence lines up to the report's bound. CLEARED alarms end a condition; they are not
 * events against the unit and are not counted.
 */
final class Events {

    /** Longest evidence value printed; the rest is cut with an ellipsis. */
    static final int MAX_VALUE_CHARS = 300;
    private static final long CLOCK_SKEW_SHOWN_MS = 60_000;

    private final int bound;
    private int total;
    private final Map<Alarm.Severity, Integer> bySeverity = new EnumMap<>(Alarm.Severity.class);
    private final Map<String, Integer> byKind = new TreeMap<>();
    private final List<String> lines = new ArrayList<>();

    Events(int bound) {
        this.bound = bound;
    }

    void add(StoredAlarm a) {
        if (a.alarm().severity() == Alarm.Severity.CLEARED) {
            return;
        }
        bySeverity.merge(a.alarm().severity(), 1, Integer::sum);
        byKind.merge(a.alarm().kind(), 1, Integer::sum);
        line(describe(a));
    }

    /** An event that is not an alarm (a finding, a late report). */
    void line(String text) {
        total++;
        if (lines.size() < bound) {
            lines.add(text);
        }
    }

    int total() {
        return total;
    }

    boolean serious() {
        return bySeverity.getOrDefault(Alarm.Severity.CRITICAL, 0) + bySeverity.getOrDefault(Alarm.Severity.MAJOR, 0) > 0;
    }

    boolean any(String kind) {
        return byKind.containsKey(kind);
    }

    /** {@code isolation.outbound 3, isolation.denied 2}. */
    String kinds() {
        StringBuilder sb = new StringBuilder();
        byKind.forEach((k, n) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(n));
        return sb.toString();
    }

    List<String> lines() {
        return lines;
    }

    static String describe(StoredAlarm a) {
        Alarm alarm = a.alarm();
        StringBuilder sb = new StringBuilder(Times.format(a.received()));
        if (alarm.time() > 0 && Math.abs(alarm.time() - a.received()) > CLOCK_SKEW_SHOWN_MS) {
            sb.append(" (box ").append(Times.format(alarm.time())).append(')');
        }
        sb.append(' ').append(alarm.kind()).append(' ').append(alarm.severity()).append(": ").append(cut(alarm.message()));
        if (!alarm.evidence().isEmpty()) {
            sb.append(" {");
            boolean first = true;
            for (Map.Entry<String, String> e : alarm.evidence().entrySet()) {
                sb.append(first ? "" : ", ").append(e.getKey()).append('=').append(cut(e.getValue()));
                first = false;
            }
            sb.append('}');
        }
        return sb.toString();
    }

    static String cut(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= MAX_VALUE_CHARS ? s : s.substring(0, MAX_VALUE_CHARS) + "…";
    }
}
