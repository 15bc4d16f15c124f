package cn.egov.manager.duty;

import cn.egov.api.duty.DeadlineRules;

/**
 * The duty office's keys in the manager's configuration file (prefix {@code duty.}): one schema
 * for parsing, validation and the documentation ({@code manager config-keys}, the manager README).
 */
public enum DutyConfigKey {
    DEADLINES("duty.deadlines", DeadlineRules.DEFAULT_TEXT,
            "Reporting deadlines per level, counted from the recorded time of the event: phone/written ('-' = no phone deadline). "
                    + "The province's rule; boxes hold the same in cn.egov.duty deadlines. A 初报 filed after its written deadline raises duty.report.late."),
    ESCALATION("duty.escalation", EscalationPolicy.DEFAULT_TEXT,
            "The escalation chain: step=wait, in order. A report waits at each step for a duty officer's acknowledgement; "
                    + "when the wait passes it goes to the next step and the NOC alarm duty.report.unacknowledged is raised."),
    ESCALATION_REPEAT("duty.escalation.repeat", "3",
            "After the last step, how many more times the alarm is raised, each after the last step's wait (0 = once at the last step)."),
    CHECK_PERIOD_S("duty.check-period-s", "5", "How often the duty office looks for reports whose acknowledgement is overdue."),
    REFUSAL_ALARM_INTERVAL_S("duty.refusal-alarm-interval-s", "300",
            "A refused report message is alarmed (duty.report.refused) at most once per unit and field in this time, with the number "
                    + "of attempts; every refusal is still recorded in duty_refusals. Keeps a misbehaving box from flooding the alarm list."),
    RECEIPTS_DAYS("duty.receipts-days", "30", "Reports of this many days are in the receipts a box is sent (at most 500)."),
    RECEIPTS_QUEUE("duty.receipts-queue", "10000",
            "Bound of the set of units whose receipts wait to be sent; when full the unit is counted, alarmed (duty.receipts.dropped) "
                    + "and its receipts go with its next report or acknowledgement.");

    public final String key;
    public final String defaultValue;
    public final String description;

    DutyConfigKey(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The key without the {@code duty.} prefix, as {@code ManagerConfig.extension("duty")} returns it. */
    public String shortKey() {
        return key.substring("duty.".length());
    }

    /** Documented sample lines for the manager's configuration file. */
    public static String sample() {
        StringBuilder sb = new StringBuilder("# Duty office (值班): emergency reports from the boxes (see manager/README.md)\n");
        for (DutyConfigKey k : values()) {
            sb.append("\n# ").append(k.description).append('\n').append('#').append(k.key).append(" = ").append(k.defaultValue).append('\n');
        }
        return sb.toString();
    }
}
