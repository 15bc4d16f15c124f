package cn.egov.manager.plan;

import cn.egov.manager.config.KeySpec;
import cn.egov.manager.config.PartKey;
import java.util.List;

/**
 * The plan part's keys in the manager's configuration file (prefix {@code plan.}): the schema
 * that {@code manager config-keys} prints and loading checks.
 */
public enum PlanConfigKey implements PartKey {
    DIR("plan." + PlanPart.DIR_KEY, "", "Folder of *.plan files imported at start when the store holds no plan yet (e.g. rules/plan); the CA also checks tokens against it until a plan is imported.",
            KeySpec.TEXT),
    MAX_DROP_RATIO("plan." + PlanPart.MAX_DROP_RATIO_KEY, PlanPart.DEFAULT_MAX_DROP_RATIO,
            "Share of today's allocations (0-1] an import may drop without confirmDrop=true; more is refused with 409.", KeySpec.RATIO);

    private final KeySpec spec;

    PlanConfigKey(String key, String defaultValue, String description, KeySpec.Check check) {
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
}
