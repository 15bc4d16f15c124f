package cn.egov.manager.duty;

import cn.egov.api.duty.DeadlineRules;
import cn.egov.api.duty.DutyInputException;
import cn.egov.manager.config.ConfigException;
import cn.egov.manager.config.ManagerConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

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
        Map<String, String> raw = config.extension("duty");
        String src = config.source();
        for (String k : raw.keySet()) {
            if (Arrays.stream(DutyConfigKey.values()).noneMatch(c -> c.shortKey().equals(k))) {
                throw new ConfigException(src + ": unknown key 'duty." + k + "' (see 'manager config-keys')");
            }
        }
        Map<DutyConfigKey, String> v = new EnumMap<>(DutyConfigKey.class);
        for (DutyConfigKey k : DutyConfigKey.values()) {
            v.put(k, raw.getOrDefault(k.shortKey(), k.defaultValue).strip());
        }
        DeadlineRules deadlines;
        try {
            deadlines = DeadlineRules.parse(v.get(DutyConfigKey.DEADLINES));
        } catch (DutyInputException e) {
            throw new ConfigException(src + ": key '" + DutyConfigKey.DEADLINES.key + "': " + e.getMessage());
        }
        int repeats = (int) number(src, DutyConfigKey.ESCALATION_REPEAT, v, 0, 100);
        EscalationPolicy escalation;
        try {
            escalation = EscalationPolicy.parse(v.get(DutyConfigKey.ESCALATION), repeats);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(src + ": key '" + DutyConfigKey.ESCALATION.key + "': " + e.getMessage());
        }
        return new DutyOfficeSettings(deadlines, escalation,
                Duration.ofSeconds(number(src, DutyConfigKey.CHECK_PERIOD_S, v, 1, 3600)),
                Duration.ofSeconds(number(src, DutyConfigKey.REFUSAL_ALARM_INTERVAL_S, v, 1, 86_400)),
                Duration.ofDays(number(src, DutyConfigKey.RECEIPTS_DAYS, v, 1, 366)),
                (int) number(src, DutyConfigKey.RECEIPTS_QUEUE, v, 1, 1_000_000));
    }

    private static long number(String src, DutyConfigKey k, Map<DutyConfigKey, String> v, long min, long max) {
        long n;
        try {
            n = Long.parseLong(v.get(k));
        } catch (NumberFormatException e) {
            throw new ConfigException(src + ": key '" + k.key + "' must be a whole number, got '" + v.get(k) + "'");
        }
        if (n < min || n > max) {
            throw new ConfigException(src + ": key '" + k.key + "' must be in " + min + ".." + max + ", got " + n);
        }
        return n;
    }
}
