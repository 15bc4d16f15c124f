package cn.egov.manager.plan;

/**
 * The plan part's keys in the manager's configuration file (prefix {@code plan.}): the schema
 * that {@code manager config-keys} prints and loading checks.
 */
public enum PlanConfigKey {
    DIR("plan." + PlanPart.DIR_KEY, "", "Folder of *.plan files imported at start when the store holds no plan yet (e.g. rules/plan); the CA also checks tokens against it until a plan is imported."),
    MAX_DROP_RATIO("plan." + PlanPart.MAX_DROP_RATIO_KEY, PlanPart.DEFAULT_MAX_DROP_RATIO,
            "Share of today's allocations (0-1] an import may drop without confirmDrop=true; more is refused with 409.");

    public final String key;
    public final String defaultValue;
    public final String description;

    PlanConfigKey(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The key without the {@code plan.} prefix, as {@code ManagerConfig.extension("plan")} returns it. */
    public String shortKey() {
        return key.substring("plan.".length());
    }

    /** The part's schema: every key with its check ({@code plan.max-drop-ratio} in (0, 1]). */
    public static java.util.List<cn.egov.manager.config.KeySpec> specs() {
        return java.util.Arrays.stream(values()).map(k -> new cn.egov.manager.config.KeySpec(k.key, k.defaultValue, k.description,
                k == MAX_DROP_RATIO ? cn.egov.manager.config.KeySpec.RATIO : cn.egov.manager.config.KeySpec.TEXT)).toList();
    }

    /** Documented sample lines for the manager's configuration file. */
    public static String sample() {
        StringBuilder sb = new StringBuilder("# Address and domain plan (see rules/README.md)\n");
        for (PlanConfigKey k : values()) {
            sb.append("\n# ").append(k.description).append('\n').append('#').append(k.key).append(" = ").append(k.defaultValue).append('\n');
        }
        return sb.toString();
    }
}
