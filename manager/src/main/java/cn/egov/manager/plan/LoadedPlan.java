package cn.egov.manager.plan;

import cn.egov.rules.plan.AddressPlan;
import cn.egov.rules.plan.PlanFinding;
import cn.egov.rules.plan.PlanWhois;
import java.util.List;
import java.util.Map;

/**
 * The plan in force at the manager: its files as imported, the parsed plan, its whois index and
 * the validator's warnings.
 *
 * @param files      file name → text, in file order (what {@code export} returns)
 * @param plan       the parsed plan
 * @param whois      the lookup index over it
 * @param findings   warnings of the validator (an imported plan has no errors)
 * @param importedAt milliseconds since the epoch
 * @param version    its number in {@code plan_versions}
 * @param importedBy who imported it (account, token user or {@code manager})
 */
public record LoadedPlan(Map<String, String> files, AddressPlan plan, PlanWhois whois, List<PlanFinding> findings,
                         long importedAt, long version, String importedBy) {
}
