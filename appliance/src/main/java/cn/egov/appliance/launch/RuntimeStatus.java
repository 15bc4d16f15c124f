package cn.egov.appliance.launch;

import cn.egov.api.launcher.StandingAlarms.Standing;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot of the running box: framework, bundles, Declarative Services components, rejected
 * configuration files, the conditions that stand (alarms raised and not cleared) and the
 * capabilities' self-test. {@link #healthy()} is what {@code appliance status} exits on.
 */
public record RuntimeStatus(String framework, List<BundleState> bundles, List<ComponentState> components,
                            List<String> configProblems, List<Standing> alarms, List<Check> checks) {

    public static final String ACTIVE = "ACTIVE";
    /** Line prefixes of the status file, which {@code appliance setup} reads too. */
    public static final String ALARM_LINE = "alarm ";
    public static final String SELFTEST_LINE = "selftest ";

    public RuntimeStatus {
        bundles = List.copyOf(bundles);
        components = List.copyOf(components);
        configProblems = List.copyOf(configProblems);
        alarms = List.copyOf(alarms);
        checks = List.copyOf(checks);
    }

    public RuntimeStatus(String framework, List<BundleState> bundles, List<ComponentState> components, List<String> configProblems) {
        this(framework, bundles, components, configProblems, List.of(), List.of());
    }

    /**
     * One line of the self-test, as a capability's {@code SelfTest} service said it.
     *
     * @param outcome OK, WARN or FAIL
     */
    public record Check(String name, String outcome, String message) {
        /** The status file's line for it: {@code selftest OUTCOME name: message} (one line). */
        public String line() {
            return SELFTEST_LINE + outcome + " " + oneLine(name) + ": " + oneLine(message);
        }
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

    /**
     * Every bundle and component as it should be, no configuration file refused, and no MAJOR or
     * CRITICAL condition standing (a refused policy, a tunnel down, a plan that cannot be read): a
     * box whose components all run but whose isolation policy was refused is not healthy. The
     * self-test is shown but does not decide: it also judges the site (cables, addresses), not
     * only the box.
     */
    public boolean healthy() {
        return bundles.stream().allMatch(BundleState::ok) && components.stream().allMatch(ComponentState::ok)
                && configProblems.isEmpty() && alarms.stream().noneMatch(Standing::blocksHealth);
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
        for (Standing a : alarms) {
            out.append(ALARM_LINE).append(a.severity()).append(' ').append(a.kind()).append(' ')
                    .append(Instant.ofEpochMilli(a.since())).append(": ").append(oneLine(a.message())).append('\n');
        }
        for (Check c : checks) {
            out.append(c.line()).append('\n');
        }
        return out.toString();
    }

    /** Text from a bundle on one line of the file: line breaks and other control characters become spaces. */
    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\p{Cntrl}+", " ");
    }
}
