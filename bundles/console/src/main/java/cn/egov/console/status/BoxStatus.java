package cn.egov.console.status;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Every bundle and Declarative Services component of the running box, read from the framework
 * and the Service Component Runtime, with the same judgement as {@code appliance status}: a
 * component waiting for a configuration file is off by choice, not a fault.
 */
public final class BoxStatus {

    public record BundleRow(long id, String name, String version, String state, boolean ok) {
    }

    /** @param configurationPids the PIDs the component is configured by (it waits for them when {@code UNSATISFIED_CONFIGURATION}) */
    public record ComponentRow(String name, String bundle, String state, String detail, boolean ok, List<String> configurationPids) {
        public ComponentRow {
            configurationPids = List.copyOf(configurationPids);
        }
    }

    public record Snapshot(String framework, List<BundleRow> bundles, List<ComponentRow> components) {
        public boolean healthy() {
            return bundles.stream().allMatch(BundleRow::ok) && components.stream().allMatch(ComponentRow::ok);
        }

        public List<String> faults() {
            List<String> faults = new ArrayList<>();
            bundles.stream().filter(b -> !b.ok()).forEach(b -> faults.add("bundle " + b.name() + " is " + b.state()));
            components.stream().filter(c -> !c.ok())
                    .forEach(c -> faults.add("component " + c.name() + " is " + c.state() + (c.detail().isEmpty() ? "" : ": " + c.detail())));
            return faults;
        }

        /** The PIDs a component waits for: its service is off until that configuration file is saved. */
        public Set<String> unconfiguredPids() {
            return components.stream().filter(c -> UNCONFIGURED.equals(c.state())).flatMap(c -> c.configurationPids().stream())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static final String UNCONFIGURED = "UNSATISFIED_CONFIGURATION";

    private BoxStatus() {
    }

    public static Snapshot read(BundleContext context, ServiceComponentRuntime scr) {
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        List<BundleRow> bundles = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (b.getBundleId() == Constants.SYSTEM_BUNDLE_ID) {
                continue;
            }
            boolean fragment = b.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
            String state = bundleState(b.getState());
            bundles.add(new BundleRow(b.getBundleId(), String.valueOf(b.getSymbolicName()), b.getVersion().toString(), state,
                    "ACTIVE".equals(state) || (fragment && "RESOLVED".equals(state))));
        }
        List<ComponentRow> components = new ArrayList<>();
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            String bundle = d.bundle.symbolicName;
            if (!scr.isComponentEnabled(d)) {
                components.add(new ComponentRow(d.name, bundle, "DISABLED", "", false, List.of(d.configurationPid)));
                continue;
            }
            var configurations = scr.getComponentConfigurationDTOs(d);
            if (configurations.isEmpty()) {
                components.add(new ComponentRow(d.name, bundle, UNCONFIGURED,
                        "needs configuration " + String.join(", ", d.configurationPid), true, List.of(d.configurationPid)));
            }
            for (ComponentConfigurationDTO c : configurations) {
                String state = componentState(c.state);
                components.add(new ComponentRow(d.name, bundle, state, detail(d, c),
                        "ACTIVE".equals(state) || "SATISFIED".equals(state) || UNCONFIGURED.equals(state), List.of(d.configurationPid)));
            }
        }
        return new Snapshot(system.getSymbolicName() + " " + system.getVersion(), bundles, components);
    }

    private static String detail(ComponentDescriptionDTO d, ComponentConfigurationDTO c) {
        return switch (c.state) {
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> rootCause(String.valueOf(c.failure));
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "missing " + String.join(", ",
                    Arrays.stream(c.unsatisfiedReferences).map(r -> r.name).toList());
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "needs configuration " + String.join(", ", d.configurationPid);
            default -> "";
        };
    }

    /** The innermost "Caused by:" of a stack trace text. */
    static String rootCause(String trace) {
        String cause = trace.lines().findFirst().orElse("");
        for (String line : trace.lines().toList()) {
            if (line.startsWith("Caused by: ")) {
                cause = line.substring("Caused by: ".length());
            }
        }
        return cause;
    }

    static String componentState(int state) {
        return switch (state) {
            case ComponentConfigurationDTO.ACTIVE -> "ACTIVE";
            case ComponentConfigurationDTO.SATISFIED -> "SATISFIED";
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> UNCONFIGURED;
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "UNSATISFIED_REFERENCE";
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "FAILED_ACTIVATION";
            default -> "STATE_" + state;
        };
    }

    static String bundleState(int state) {
        return switch (state) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            default -> "UNINSTALLED";
        };
    }
}
