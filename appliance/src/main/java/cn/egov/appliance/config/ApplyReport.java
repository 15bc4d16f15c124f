package cn.egov.appliance.config;

import cn.egov.api.launcher.BoxLauncher.ConfigRefusal;
import java.util.List;

/**
 * The outcome of reading the configuration directory once.
 *
 * @param files     configuration files found
 * @param changed   configurations created or updated in Configuration Admin
 * @param unchanged files whose configuration was already in force
 * @param removed   configurations deleted because their file is gone
 * @param problems  files not applied (their previous configuration, if any, stays in force)
 */
public record ApplyReport(int files, int changed, int unchanged, int removed, List<ConfigRefusal> problems) {

    public ApplyReport {
        problems = List.copyOf(problems);
    }

    @Override
    public String toString() {
        return "configuration: " + files + " files, " + changed + " changed, " + unchanged + " unchanged, "
                + removed + " removed, " + problems.size() + " rejected";
    }
}
