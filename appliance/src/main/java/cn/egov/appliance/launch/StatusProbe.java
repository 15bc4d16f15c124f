package cn.egov.appliance.launch;

import cn.egov.appliance.config.ConfigDirectory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;
import org.osgi.util.tracker.ServiceTracker;

/** Reads the state of the running box from the framework and the Service Component Runtime. */
public final class StatusProbe implements AutoCloseable {
    private final Framework framework;
    private final ConfigDirectory configDirectory;
    private final ServiceTracker<ServiceComponentRuntime, ServiceComponentRuntime> scr;

    public StatusProbe(Framework framework, ConfigDirectory configDirectory) {
        this.framework = framework;
        this.configDirectory = configDirectory;
        this.scr = new ServiceTracker<>(framework.getBundleContext(), ServiceComponentRuntime.class, null);
        scr.open();
    }

    public RuntimeStatus status() {
        List<RuntimeStatus.BundleState> bundles = new ArrayList<>();
        for (Bundle b : framework.getBundleContext().getBundles()) {
            if (b.getBundleId() == Constants.SYSTEM_BUNDLE_ID) {
                continue;
            }
            bundles.add(new RuntimeStatus.BundleState(b.getBundleId(), b.getSymbolicName(), b.getVersion().toString(),
                    bundleState(b.getState()), b.getHeaders("").get(Constants.FRAGMENT_HOST) != null));
        }
        List<String> problems = configDirectory.problems().stream().map(Object::toString).toList();
        return new RuntimeStatus(framework.getSymbolicName() + " " + framework.getVersion(), bundles, components(),
                problems);
    }

    private List<RuntimeStatus.ComponentState> components() {
        ServiceComponentRuntime runtime = scr.getService();
        List<RuntimeStatus.ComponentState> result = new ArrayList<>();
        if (runtime == null) {
            return result;
        }
        for (ComponentDescriptionDTO d : runtime.getComponentDescriptionDTOs()) {
            String bundle = d.bundle.symbolicName;
            if (!runtime.isComponentEnabled(d)) {
                result.add(new RuntimeStatus.ComponentState(d.name, bundle, "DISABLED", ""));
                continue;
            }
            var configurations = runtime.getComponentConfigurationDTOs(d);
            if (configurations.isEmpty()) {
                // DS reports nothing for a component still waiting for its required configuration.
                result.add(new RuntimeStatus.ComponentState(d.name, bundle, RuntimeStatus.ComponentState.UNCONFIGURED,
                        "needs configuration " + String.join(", ", d.configurationPid)));
            }
            for (ComponentConfigurationDTO c : configurations) {
                result.add(new RuntimeStatus.ComponentState(d.name, bundle, componentState(c.state), detail(d, c)));
            }
        }
        return result;
    }

    private static String detail(ComponentDescriptionDTO d, ComponentConfigurationDTO c) {
        return switch (c.state) {
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> rootCause(String.valueOf(c.failure));
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "missing " + String.join(", ",
                    Arrays.stream(c.unsatisfiedReferences).map((UnsatisfiedReferenceDTO r) -> r.name).toList());
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "needs configuration " + String.join(", ", d.configurationPid);
            default -> "";
        };
    }

    /** The innermost "Caused by:" of a stack trace text: the message that says what is wrong. */
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
            case ComponentConfigurationDTO.ACTIVE -> RuntimeStatus.ACTIVE;
            case ComponentConfigurationDTO.SATISFIED -> "SATISFIED";
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> RuntimeStatus.ComponentState.UNCONFIGURED;
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "UNSATISFIED_REFERENCE";
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "FAILED_ACTIVATION";
            default -> "STATE_" + state;
        };
    }

    static String bundleState(int state) {
        return switch (state) {
            case Bundle.ACTIVE -> RuntimeStatus.ACTIVE;
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            default -> "UNINSTALLED";
        };
    }

    @Override
    public void close() {
        scr.close();
    }
}
