package cn.egov.appliance.launch;

import cn.egov.api.launcher.BoxLauncher;
import cn.egov.api.launcher.BoxLauncher.ConfigRefusal;
import cn.egov.api.launcher.BoxUpdates;
import cn.egov.appliance.config.ApplyReport;
import cn.egov.appliance.config.ConfigDirectory;
import cn.egov.appliance.config.ConfigDirectoryWatcher;
import cn.egov.appliance.config.MetatypeSchemas;
import cn.egov.appliance.update.UpdateService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running box: an OSGi framework (Felix, or whichever {@link FrameworkFactory} is on the class
 * path, e.g. Equinox) with the bundles of one directory, configured from one directory.
 *
 * <p>Start order matters: Configuration Admin and Metatype start first, the configuration
 * directory is applied, and only then do the other bundles start, so components activate once,
 * with their configuration, instead of activating on defaults and being reconfigured at once.
 */
public final class BoxRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BoxRuntime.class);
    /** Bundles that must run before the configuration directory can be applied. */
    static final Set<String> CONFIG_INFRASTRUCTURE = Set.of("org.apache.felix.configadmin", "org.apache.felix.metatype");
    /** How long to wait for Configuration Admin and Metatype to register after their bundles start. */
    static final Duration SERVICE_WAIT = Duration.ofSeconds(30);
    static final Duration STOP_WAIT = Duration.ofSeconds(30);
    /** {@code ${data}} in a configuration value: the data directory. */
    public static final String DATA_VARIABLE = "data";
    /** {@code ${home}} in a configuration value: the distribution's folder (bin/, lib/, rules/), e.g. /opt/egov-box. */
    public static final String HOME_VARIABLE = "home";

    private final LaunchSettings settings;
    private final Framework framework;
    private final ConfigDirectory configDirectory;
    private final ScrActivationCheck activation;
    private final List<String> startFailures;
    private final StatusProbe probe;
    private final ConfigDirectoryWatcher watcher;
    private final StatusFile statusFile;
    private final RunLock lock;
    private final LogRing logRing;
    private final UpdateService updates;

    private BoxRuntime(LaunchSettings settings, Framework framework, ConfigDirectory configDirectory,
                       ScrActivationCheck activation, List<String> startFailures, RunLock lock, LogRing logRing,
                       UpdateService updates) throws IOException {
        this.updates = updates;
        this.lock = lock;
        this.logRing = logRing;
        this.activation = activation;
        this.settings = settings;
        this.framework = framework;
        this.configDirectory = configDirectory;
        this.startFailures = List.copyOf(startFailures);
        this.probe = new StatusProbe(framework, configDirectory);
        this.watcher = new ConfigDirectoryWatcher(configDirectory, BoxRuntime::log);
        this.statusFile = new StatusFile(settings.statusFile(), probe::status);
    }

    /** Starts the framework found on the class path. */
    public static BoxRuntime start(LaunchSettings settings) throws Exception {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        return start(settings, factory);
    }

    public static BoxRuntime start(LaunchSettings settings, FrameworkFactory factory) throws Exception {
        if (!Files.isDirectory(settings.configDir())) {
            throw new LaunchException("configuration directory " + settings.configDir()
                    + (Files.exists(settings.configDir()) ? " is not a directory" : " does not exist"));
        }
        try {
            Files.createDirectories(settings.nativeDir());
        } catch (IOException e) {
            throw new LaunchException("data directory " + settings.dataDir() + ": cannot create " + settings.nativeDir()
                    + " (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
        RunLock lock = RunLock.acquire(settings.dataDir());
        try {
            List<BundleJar> jars = BundleJars.scan(settings.bundleDir());
            useNativeDir(settings);
            return start(settings, factory, jars, lock);
        } catch (Exception | Error e) {
            try {
                lock.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static BoxRuntime start(LaunchSettings settings, FrameworkFactory factory, List<BundleJar> jars, RunLock lock)
            throws Exception {
        LogRing logRing = LogRing.captureStderr();
        Framework framework = factory.newFramework(frameworkProperties(settings));
        framework.init();
        UpdateService updates = null;
        try {
            BundleContext context = framework.getBundleContext();
            List<Bundle> bundles = new ArrayList<>();
            for (BundleJar jar : jars) {
                bundles.add(context.installBundle(jar.location()));
            }
            framework.start();
            framework.adapt(FrameworkWiring.class).resolveBundles(null);

            List<String> failures = new ArrayList<>();
            bundles.stream().filter(b -> CONFIG_INFRASTRUCTURE.contains(b.getSymbolicName()))
                    .forEach(b -> startBundle(b, failures));
            ConfigurationAdmin configAdmin = awaitService(context, ConfigurationAdmin.class);
            ScrActivationCheck activation = new ScrActivationCheck(context, configAdmin);
            ConfigDirectory configDirectory = new ConfigDirectory(settings.configDir(), configAdmin,
                    new MetatypeSchemas(context, awaitService(context, MetaTypeService.class)),
                    variables(settings.dataDir()), activation);
            log(configDirectory.apply());
            // the console (and any bundle) reaches the configuration directory and the log through this
            context.registerService(BoxLauncher.class, new LauncherService(configDirectory, BoxRuntime::log, logRing), null);
            // updates pushed by the manager: the telemetry bundle brings the requests (UpdateBridgeComponent)
            updates = new UpdateService(settings.configDir(), settings.dataDir(), java.time.Clock.systemUTC());
            context.registerService(BoxUpdates.class, updates, null);

            bundles.stream().filter(b -> !CONFIG_INFRASTRUCTURE.contains(b.getSymbolicName()))
                    .filter(b -> b.getHeaders("").get(Constants.FRAGMENT_HOST) == null)
                    .forEach(b -> startBundle(b, failures));
            BoxRuntime runtime = new BoxRuntime(settings, framework, configDirectory, activation, failures, lock, logRing, updates);
            LOG.info("{} {} started {} bundles from {}; configuration from {}", framework.getSymbolicName(),
                    framework.getVersion(), bundles.size(), settings.bundleDir(), settings.configDir());
            return runtime;
        } catch (Exception | Error e) {
            if (updates != null) {
                updates.close();
            }
            framework.stop();
            framework.waitForStop(STOP_WAIT.toMillis());
            logRing.close();
            throw e;
        }
    }

    static Map<String, String> frameworkProperties(LaunchSettings settings) {
        Map<String, String> p = new HashMap<>();
        p.put(Constants.FRAMEWORK_STORAGE, settings.frameworkStorage().toString());
        // The configuration directory, not the cache, is the truth: start clean every time.
        p.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        p.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, SystemPackages.extraExports());
        p.put(BoxLauncher.CONFIG_DIR_PROPERTY, settings.configDir().toString());
        p.put(BoxLauncher.DATA_DIR_PROPERTY, settings.dataDir().toString());
        return p;
    }

    /** sqlite-jdbc and JNA unpack native code into java.io.tmpdir by default, which may be noexec. */
    private static void useNativeDir(LaunchSettings settings) {
        String dir = settings.nativeDir().toString();
        for (String property : List.of("org.sqlite.tmpdir", "jna.tmpdir")) {
            if (System.getProperty(property) == null) {
                System.setProperty(property, dir);
            }
        }
    }

    private static void startBundle(Bundle bundle, List<String> failures) {
        try {
            bundle.start();
        } catch (BundleException | RuntimeException e) {
            String message = bundle.getSymbolicName() + " " + bundle.getVersion() + " did not start: " + e.getMessage();
            LOG.error(message);
            failures.add(message);
        }
    }

    private static <S> S awaitService(BundleContext context, Class<S> type) throws InterruptedException {
        ServiceTracker<S, S> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        S service = tracker.waitForService(SERVICE_WAIT.toMillis());
        if (service == null) {
            throw new IllegalStateException(type.getName() + " did not appear within " + SERVICE_WAIT.toSeconds()
                    + " s: are the Configuration Admin and Metatype bundles in the bundle directory?");
        }
        return service;
    }

    private static void log(ApplyReport report) {
        LOG.info("{}", report);
        for (ConfigRefusal problem : report.problems()) {
            LOG.error("{} -- not applied; the previous configuration stays in force", problem);
        }
    }

    public Framework framework() {
        return framework;
    }

    public LaunchSettings settings() {
        return settings;
    }

    /** What {@code ${data}} and {@code ${home}} stand for in configuration values. */
    public static Map<String, String> variables(Path dataDir) {
        Map<String, String> v = new HashMap<>();
        v.put(DATA_VARIABLE, dataDir.toString());
        ApplianceHome.find().ifPresent(h -> v.put(HOME_VARIABLE, h.toAbsolutePath().normalize().toString()));
        return Map.copyOf(v);
    }

    public RuntimeStatus status() {
        return probe.status();
    }

    /** Bundles that failed to start, with the framework's reason. */
    public List<String> startFailures() {
        return startFailures;
    }

    /** Applies the configuration directory now (the watcher does this on every change). */
    public ApplyReport reloadConfiguration() throws IOException {
        ApplyReport report = configDirectory.apply();
        log(report);
        return report;
    }

    /** Blocks until the framework stops (by {@link #close()} or a bundle stopping it). */
    public void awaitStop() throws InterruptedException {
        framework.waitForStop(0);
    }

    @Override
    public void close() throws Exception {
        try {
            watcher.close();
            updates.close();
            statusFile.close();
            probe.close();
            activation.close();
            framework.stop();
            framework.waitForStop(STOP_WAIT.toMillis());
        } finally {
            logRing.close();
            lock.close(); // last: the data directory is free once the framework has stopped
        }
    }
}
