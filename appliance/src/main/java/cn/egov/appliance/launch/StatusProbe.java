package cn.egov.appliance.launch;

import cn.egov.api.launcher.StandingAlarms;
import cn.egov.api.selftest.SelfTest;
import cn.egov.appliance.config.ConfigDirectory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Reads the state of the running box from the framework and the Service Component Runtime, the
 * standing conditions from the {@link StandingAlarms} service (telemetry bundle) and the self-test
 * from every {@link SelfTest} service. The self-test runs on a thread of its own every
 * {@link #SELFTEST_PERIOD_MS} and {@link #status()} takes its last results: a check that hangs must
 * not stop the status file's heartbeat.
 */
public final class StatusProbe implements AutoCloseable {
    /** How often the self-test runs for the status file: a technician waiting at the box sees a change within this. */
    static final long SELFTEST_PERIOD_MS = 2000;

    private final Framework framework;
    private final ConfigDirectory configDirectory;
    private final ServiceTracker<ServiceComponentRuntime, ServiceComponentRuntime> scr;
    private final ServiceTracker<StandingAlarms, StandingAlarms> alarms;
    private final ServiceTracker<SelfTest, SelfTest> selfTests;
    private final ScheduledExecutorService selfTestThread;
    private volatile List<RuntimeStatus.Check> checks = List.of();

    public StatusProbe(Framework framework, ConfigDirectory configDirectory) {
        this.framework = framework;
        this.configDirectory = configDirectory;
        this.scr = new ServiceTracker<>(framework.getBundleContext(), ServiceComponentRuntime.class, null);
        scr.open();
        // open(true): the system bundle imports nothing, and Felix does not count its exports of these
        // packages as "assignable" for it; the bundles' wires go to those exports (SystemPackages), so
        // the classes are the launcher's own.
        this.alarms = new ServiceTracker<>(framework.getBundleContext(), StandingAlarms.class, null);
        alarms.open(true);
        this.selfTests = new ServiceTracker<>(framework.getBundleContext(), SelfTest.class, null);
        selfTests.open(true);
        this.selfTestThread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "status-selftest");
            t.setDaemon(true);
            return t;
        });
        selfTestThread.scheduleWithFixedDelay(this::runSelfTests, 0, SELFTEST_PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    private void runSelfTests() {
        try {
            checks = selfTest();
        } catch (RuntimeException e) {
            // an exception would end the schedule: report it as the self-test's one line instead
            checks = List.of(new RuntimeStatus.Check("self-test", SelfTest.Outcome.FAIL.name(), "the self-test could not run: " + e));
        }
    }

    private List<RuntimeStatus.Check> selfTest() {
        List<RuntimeStatus.Check> results = new ArrayList<>();
        Object[] services = selfTests.getServices();
        for (Object o : services == null ? new Object[0] : services) {
            SelfTest test = (SelfTest) o;
            String name;
            try {
                name = test.name();
            } catch (RuntimeException e) {
                name = test.getClass().getName();
            }
            try {
                SelfTest.Result r = test.run();
                results.add(new RuntimeStatus.Check(name, r.outcome().name(), r.message()));
            } catch (RuntimeException e) {
                results.add(new RuntimeStatus.Check(name, SelfTest.Outcome.FAIL.name(), "the check failed: " + e));
            }
        }
        results.sort(Comparator.comparing(RuntimeStatus.Check::name));
        return List.copyOf(results);
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
        StandingAlarms board = alarms.getService();
        return new RuntimeStatus(framework.getSymbolicName() + " " + framework.getVersion(), bundles, components(),
                problems, board == null ? List.of() : board.standing(), checks);
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
        selfTestThread.shutdownNow();
        selfTests.close();
        alarms.close();
        scr.close();
    }
}
