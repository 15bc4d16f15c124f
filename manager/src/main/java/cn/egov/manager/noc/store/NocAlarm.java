package cn.egov.manager.noc.store;

import cn.egov.api.telemetry.Alarm;

/**
 * A stored alarm with what operators did with it.
 *
 * @param ref            which alarm ({@link AlarmRef#id()} in URLs)
 * @param alarm          as the box (or the manager) raised it
 * @param unit           the unit it concerns: the box's client id, or for the manager's own alarms the
 *                       {@code unit} of its evidence, else ""
 * @param clearedAt      when the same box later sent a CLEARED alarm of the same kind (ms), 0 while not
 * @param acknowledgedAt when an operator acknowledged it (ms), 0 while not
 * @param acknowledgedBy who did, or ""
 * @param assignee       who is to look after it, or ""
 * @param assignedAt     when it was assigned (ms), 0 while not
 * @param assignedBy     who assigned it, or ""
 * @param comments       how many comments it has
 */
public record NocAlarm(AlarmRef ref, Alarm alarm, String unit, long clearedAt, long acknowledgedAt, String acknowledgedBy,
                       String assignee, long assignedAt, String assignedBy, int comments) {

    /** Its state in the list: {@code open} (needs someone), {@code acknowledged}, {@code cleared} (the box says it is over). */
    public State state() {
        if (acknowledgedAt > 0) {
            return State.ACKNOWLEDGED;
        }
        if (clearedAt > 0 || alarm.severity() == Alarm.Severity.CLEARED) {
            return State.CLEARED;
        }
        return State.OPEN;
    }

    /** The three states an alarm has in the NOC's list. */
    public enum State {
        OPEN("待处理 open"), ACKNOWLEDGED("已确认 acknowledged"), CLEARED("已恢复 cleared");

        public final String label;

        State(String label) {
            this.label = label;
        }
    }

    /** One comment on an alarm. */
    public record Comment(long at, String author, String body) {
    }
}
