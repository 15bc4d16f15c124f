package cn.egov.duty.ds;

import cn.egov.api.duty.DeadlineRules;
import cn.egov.duty.DutySettings;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Metatype of PID {@code cn.egov.duty}; {@link DutySettings} checks the values. */
@ObjectClassDefinition(localization = "OSGI-INF/l10n/duty", id = DutySettings.PID, name = "%name",
        description = "%description")
public @interface DutyConfig {

    @AttributeDefinition(name = "%store_path.name", description = "%store_path.description")
    String store_path() default DutySettings.DEFAULT_STORE_PATH;

    @AttributeDefinition(name = "%deadlines.name", description = "Per level: phone/written deadline after the event ('-' for none), "
            + "e.g. " + DeadlineRules.DEFAULT_TEXT)
    String deadlines() default DeadlineRules.DEFAULT_TEXT;

    @AttributeDefinition(name = "%warn_before_min.name", min = "1", max = "1440",
            description = "%warn_before_min.description")
    int warn_before_min() default DutySettings.DEFAULT_WARN_BEFORE_MIN;

    @AttributeDefinition(name = "%check_period_s.name", min = "1", max = "3600", description = "%check_period_s.description")
    int check_period_s() default DutySettings.DEFAULT_CHECK_PERIOD_S;

    @AttributeDefinition(name = "%leads.name", required = false,
            description = "%leads.description")
    String[] leads() default {};

    @AttributeDefinition(name = "%roster_days.name", min = "1", max = "92", description = "%roster_days.description")
    int roster_days() default DutySettings.DEFAULT_ROSTER_DAYS;
}
