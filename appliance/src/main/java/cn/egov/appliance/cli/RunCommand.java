package cn.egov.appliance.cli;

import cn.egov.appliance.launch.ApplianceHome;
import cn.egov.appliance.launch.BoxRuntime;
import cn.egov.appliance.launch.LaunchSettings;
import cn.egov.appliance.launch.RuntimeStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code appliance run}: starts the box and runs until stopped (Ctrl-C or SIGTERM from systemd). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Start the box: the OSGi framework with the box's bundles, configured from a directory.",
                "Files in the configuration directory are watched: a change reconfigures the running component."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"143:stopped by SIGTERM (systemd) or Ctrl-C, after a clean stop",
                "2:the box cannot start: a usage error, a missing or unusable --config, --data or --bundles directory, "
                        + "or a data directory another box is using (one line on stderr)",
                "70:internal error (run again with --debug for the stack trace)"})
public final class RunCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "DIR",
            description = "Configuration directory: one <pid>.cfg file per component (e.g. cn.egov.identity.cfg).")
    Path config;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data",
            description = "State directory: framework cache, stores, status.txt, box.lock (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--bundles", paramLabel = "DIR",
            description = "Bundle directory (default: bundles/ of the installed distribution).")
    Path bundles;

    @Override
    public Integer call() throws Exception {
        requireDirectory("--config", config);
        Path bundleDir = bundles != null ? bundles : installedBundles();
        requireDirectory("--bundles", bundleDir);
        LaunchSettings settings = new LaunchSettings(config, data, bundleDir);
        BoxRuntime box = BoxRuntime.start(settings);
        Thread shutdown = new Thread(() -> {
            try {
                box.close();
            } catch (Exception e) {
                System.err.println("appliance: error while stopping: " + e);
            }
        }, "appliance-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        RuntimeStatus status = box.status();
        System.out.println("appliance: " + status.framework() + " running " + status.bundles().size()
                + " bundles; status in " + settings.statusFile() + " (appliance status --data " + settings.dataDir() + ")");
        box.awaitStop();
        return 0;
    }

    private static Path installedBundles() {
        try {
            return ApplianceHome.bundles();
        } catch (IllegalStateException e) {
            throw new UserError(e.getMessage());
        }
    }

    private static void requireDirectory(String option, Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UserError(option + " " + dir.toAbsolutePath().normalize() + ": "
                    + (Files.exists(dir) ? "not a directory" : "no such directory"));
        }
    }
}
