package cn.egov.duty.ds;

import cn.egov.api.duty.DeadlineRules;
import cn.egov.duty.DutySettings;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Metatype of PID {@code cn.egov.duty}; {@link DutySettings} checks the values. */
@ObjectClassDefinition(id = DutySettings.PID, name = "Duty (值班)",
        description = "Duty roster and emergency reports: deadlines, warnings, duty leads.")
public @interface DutyConfig {

    @AttributeDefinition(name = "Store", description = "SQLite file of events, reports, receipts and the roster")
    String store_path() default DutySettings.DEFAULT_STORE_PATH;

    @AttributeDefinition(name = "Deadlines", description = "Per level: phone/written deadline after the event ('-' for none), "
            + "e.g. " + DeadlineRules.DEFAULT_TEXT)
    String deadlines() default DeadlineRules.DEFAULT_TEXT;

    @AttributeDefinition(name = "Warn before (min)", min = "1", max = "1440",
            description = "Minutes before a deadline the box raises duty.deadline.approaching")
    int warn_before_min() default DutySettings.DEFAULT_WARN_BEFORE_MIN;

    @AttributeDefinition(name = "Check period (s)", min = "1", max = "3600", description = "How often the deadlines are checked")
    int check_period_s() default DutySettings.DEFAULT_CHECK_PERIOD_S;

    @AttributeDefinition(name = "Duty leads", required = false,
            description = "Console account names of the unit's duty leads (带班领导): they edit the roster and approve swaps, as technicians do")
    String[] leads() default {};

    @AttributeDefinition(name = "Roster days", min = "1", max = "92", description = "Days ahead the roster sent to the province covers")
    int roster_days() default DutySettings.DEFAULT_ROSTER_DAYS;
}
