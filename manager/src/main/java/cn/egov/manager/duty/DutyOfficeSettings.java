package cn.egov.manager.duty;

import cn.egov.api.duty.DeadlineRules;
import cn.egov.manager.config.ManagerConfig;
import cn.egov.manager.config.PartValues;
import java.time.Duration;

/**
 * The duty office's configuration, validated: every error names the file and key.
 *
 * @param deadlines     the province's reporting deadlines
 * @param escalation    the escalation chain
 * @param checkPeriod   how often overdue acknowledgements are looked for
 * @param refusalAlarmInterval least time between two alarms of refused messages of one unit and field
 * @param receiptsDays  how far back the receipts sent to a box reach
 * @param receiptsQueue bound of the units waiting for their receipts to be sent
 */
public record DutyOfficeSettings(DeadlineRules deadlines, EscalationPolicy escalation, Duration checkPeriod,
                                 Duration refusalAlarmInterval, Duration receiptsDays, int receiptsQueue) {

    public static DutyOfficeSettings defaults() {
        return from(ManagerConfig.defaults());
    }

    public static DutyOfficeSettings from(ManagerConfig config) {
        PartValues v = PartValues.of(config, DutyConfigKey.values());
        return new DutyOfficeSettings(DeadlineRules.parse(v.text(DutyConfigKey.DEADLINES)),
                EscalationPolicy.parse(v.text(DutyConfigKey.ESCALATION), v.integer(DutyConfigKey.ESCALATION_REPEAT)),
                Duration.ofSeconds(v.number(DutyConfigKey.CHECK_PERIOD_S)),
                Duration.ofSeconds(v.number(DutyConfigKey.REFUSAL_ALARM_INTERVAL_S)),
                Duration.ofDays(v.number(DutyConfigKey.RECEIPTS_DAYS)),
                v.integer(DutyConfigKey.RECEIPTS_QUEUE));
    }
}
