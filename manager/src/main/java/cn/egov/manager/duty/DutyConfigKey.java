package cn.egov.manager.duty;

import cn.egov.api.duty.DeadlineRules;
import cn.egov.api.duty.DutyInputException;
import cn.egov.manager.config.KeySpec;
import cn.egov.manager.config.PartKey;
import java.util.List;

/**
 * The duty office's keys in the manager's configuration file (prefix {@code duty.}): one schema
 * for parsing, validation and the documentation ({@code manager config-keys}, the manager README).
 */
public enum DutyConfigKey implements PartKey {
    DEADLINES("duty.deadlines", DeadlineRules.DEFAULT_TEXT,
            "Reporting deadlines per level, counted from the recorded time of the event: phone/written ('-' = no phone deadline). "
                    + "The province's rule; boxes hold the same in cn.egov.duty deadlines. A 初报 filed after its written deadline raises duty.report.late.", DutyConfigKey::deadlines),
    ESCALATION("duty.escalation", EscalationPolicy.DEFAULT_TEXT,
            "The escalation chain: step=wait, in order. A report waits at each step for a duty officer's acknowledgement; "
                    + "when the wait passes it goes to the next step and the NOC alarm duty.report.unacknowledged is raised.", DutyConfigKey::escalation),
    ESCALATION_REPEAT("duty.escalation.repeat", "3",
            "After the last step, how many more times the alarm is raised, each after the last step's wait (0 = once at the last step).", KeySpec.between(0, 100)),
    CHECK_PERIOD_S("duty.check-period-s", "5", "How often the duty office looks for reports whose acknowledgement is overdue.", KeySpec.between(1, 3600)),
    REFUSAL_ALARM_INTERVAL_S("duty.refusal-alarm-interval-s", "300",
            "A refused report message is alarmed (duty.report.refused) at most once per unit and field in this time, with the number "
                    + "of attempts; every refusal is still recorded in duty_refusals. Keeps a misbehaving box from flooding the alarm list.", KeySpec.between(1, 86_400)),
    RECEIPTS_DAYS("duty.receipts-days", "30", "Reports of this many days are in the receipts a box is sent (at most 500).", KeySpec.between(1, 366)),
    RECEIPTS_QUEUE("duty.receipts-queue", "10000",
            "Bound of the set of units whose receipts wait to be sent; when full the unit is counted, alarmed (duty.receipts.dropped) "
                    + "and its receipts go with its next report or acknowledgement.", KeySpec.between(1, 1_000_000));

    private final KeySpec spec;

    DutyConfigKey(String key, String defaultValue, String description, KeySpec.Check check) {
        this.spec = new KeySpec(key, defaultValue, description, check);
    }

    @Override
    public KeySpec spec() {
        return spec;
    }

    /** The part's schema. */
    public static List<KeySpec> specs() {
        return PartKey.specs(values());
    }

    private static String deadlines(String v) {
        try {
            DeadlineRules.parse(v);
            return null;
        } catch (DutyInputException e) {
            return "is refused: " + e.getMessage();
        }
    }

    private static String escalation(String v) {
        try {
            EscalationPolicy.parse(v, 0);
            return null;
        } catch (IllegalArgumentException e) {
            return "is refused: " + e.getMessage();
        }
    }
}
