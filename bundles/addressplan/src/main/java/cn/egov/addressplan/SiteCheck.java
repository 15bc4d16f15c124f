package cn.egov.addressplan;

import cn.egov.rules.plan.AddressPlan;
import cn.egov.rules.plan.PlanParser;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * One conformance run from settings: load and parse the plan, read the site, check it. Shared
 * by the DS component and the {@code appliance plan check} command.
 *
 * @param plan             the plan file or directory
 * @param unit             the unit to check as
 * @param reader           what to read the site with
 * @param ignoredDevices   interfaces not checked
 */
public record SiteCheck(Path plan, UnitCode unit, SiteReader reader, Set<String> ignoredDevices) {

    /** Raised when the plan cannot be used; the message lists the first findings with file and line. */
    public static final class PlanUnusableException extends IOException {
        public PlanUnusableException(String message) {
            super(message);
        }
    }

    /** Loads the plan; refuses one with syntax errors (a check against half a plan would mislead). */
    public static AddressPlan load(Path plan) throws IOException {
        PlanParser.Result r = PlanParser.forHebei().parse(plan);
        if (!r.ok()) {
            List<String> first = r.findings().stream().limit(5).map(Object::toString).toList();
            throw new PlanUnusableException("plan " + plan + " has " + r.findings().size() + " syntax error(s):\n  "
                    + String.join("\n  ", first));
        }
        return r.plan();
    }

    public ConformanceReport run(long now) throws IOException {
        AddressPlan p = load(plan);
        SiteObservation site = reader.read();
        return new ConformanceChecker(p, unit, ignoredDevices).check(site, reader.problems(), now);
    }
}
