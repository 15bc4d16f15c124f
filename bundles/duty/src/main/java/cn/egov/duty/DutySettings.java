package cn.egov.duty;

import cn.egov.api.duty.DeadlineRules;
import cn.egov.api.duty.DutyInputException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The duty bundle's configuration (PID {@value #PID}), validated: every error names the PID and the key.
 *
 * @param storePath   the SQLite file of incidents, reports, receipts and the roster
 * @param deadlines   the province's reporting deadlines per level
 * @param warnBefore  how long before a deadline the box warns
 * @param checkPeriod how often the deadlines are checked
 * @param leads       account names of the unit's duty leads (带班领导), who may edit the roster and decide swaps
 * @param rosterDays  days ahead of today the published roster covers
 */
public record DutySettings(Path storePath, DeadlineRules deadlines, Duration warnBefore, Duration checkPeriod, Set<String> leads,
                           int rosterDays) {

    public static final String PID = "cn.egov.duty";
    public static final String DEFAULT_STORE_PATH = "/var/lib/egov-edge/duty/duty.db";
    public static final int DEFAULT_WARN_BEFORE_MIN = 5;
    public static final int DEFAULT_CHECK_PERIOD_S = 15;
    public static final int DEFAULT_ROSTER_DAYS = 31;

    public DutySettings {
        leads = Set.copyOf(leads);
    }

    /** Reads and checks the Metatype-typed configuration. */
    public static DutySettings of(String storePath, String deadlines, int warnBeforeMin, int checkPeriodS, String[] leads, int rosterDays) {
        if (storePath == null || storePath.isBlank()) {
            throw error("store.path", "is empty");
        }
        DeadlineRules rules;
        try {
            rules = DeadlineRules.parse(deadlines);
        } catch (DutyInputException e) {
            throw error("deadlines", "is invalid: " + e.getMessage());
        }
        if (warnBeforeMin < 1 || warnBeforeMin > 24 * 60) {
            throw error("warn.before.min", "must be between 1 and 1440, got " + warnBeforeMin);
        }
        if (checkPeriodS < 1 || checkPeriodS > 3600) {
            throw error("check.period.s", "must be between 1 and 3600, got " + checkPeriodS);
        }
        if (rosterDays < 1 || rosterDays > 92) {
            throw error("roster.days", "must be between 1 and 92, got " + rosterDays);
        }
        Set<String> names = Arrays.stream(leads == null ? new String[0] : leads).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
        return new DutySettings(Path.of(storePath), rules, Duration.ofMinutes(warnBeforeMin), Duration.ofSeconds(checkPeriodS), names, rosterDays);
    }

    private static IllegalArgumentException error(String key, String problem) {
        return new IllegalArgumentException(PID + ": " + key + " " + problem);
    }
}
