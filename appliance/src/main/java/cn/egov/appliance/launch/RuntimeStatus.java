package cn.egov.appliance.launch;

import java.util.List;

/**
 * A snapshot of the running box: framework, bundles, Declarative Services components and
 * rejected configuration files. {@link #healthy()} is what {@code appliance status} exits on.
 */
public record RuntimeStatus(String framework, List<BundleState> bundles, List<ComponentState> components,
                            List<String> configProblems) {

    public static final String ACTIVE = "ACTIVE";

    public RuntimeStatus {
        bundles = List.copyOf(bundles);
        components = List.copyOf(components);
        configProblems = List.copyOf(configProblems);
    }

    /** @param state ACTIVE, RESOLVED, INSTALLED... ; fragments are fine when RESOLVED */
    public record BundleState(long id, String symbolicName, String version, String state, boolean fragment) {
        public boolean ok() {
            return ACTIVE.equals(state) || (fragment && "RESOLVED".equals(state));
        }
    }

    /**
     * @param state  ACTIVE, SATISFIED, UNSATISFIED_CONFIGURATION, UNSATISFIED_REFERENCE,
     *               FAILED_ACTIVATION or DISABLED
     * @param detail why it is not active: the failure, the missing references or configuration
     */
    public record ComponentState(String name, String bundle, String state, String detail) {
        public static final String UNCONFIGURED = "UNSATISFIED_CONFIGURATION";

        /**
         * Active, satisfied (a service nobody uses yet) or waiting for a configuration file that
         * does not exist: a capability that requires configuration is off until it is configured,
         * which is a choice, not a fault.
         */
        public boolean ok() {
            return ACTIVE.equals(state) || "SATISFIED".equals(state) || UNCONFIGURED.equals(state);
        }
    }

    public boolean healthy() {
        return bundles.stream().allMatch(BundleState::ok) && components.stream().allMatch(ComponentState::ok)
                && configProblems.isEmpty();
    }

    public List<ComponentState> component(String name) {
        return components.stream().filter(c -> c.name().equals(name)).toList();
    }

    /** The text of the status file, one fact per line. */
    public String render() {
        StringBuilder out = new StringBuilder();
        out.append("framework ").append(framework).append('\n');
        out.append("healthy ").append(healthy()).append('\n');
        for (BundleState b : bundles) {
            out.append("bundle ").append(b.id()).append(' ').append(b.symbolicName()).append(' ').append(b.version())
                    .append(' ').append(b.state()).append(b.fragment() ? " fragment" : "").append('\n');
        }
        for (ComponentState c : components) {
            out.append("component ").append(c.name()).append(' ').append(c.state());
            if (!c.detail().isEmpty()) {
                out.append(" (").append(c.detail()).append(')');
            }
            out.append('\n');
        }
        for (String p : configProblems) {
            out.append("config-rejected ").append(p).append('\n');
        }
        return out.toString();
    }
}
