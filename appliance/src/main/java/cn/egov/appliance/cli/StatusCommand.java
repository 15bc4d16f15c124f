package cn.egov.appliance.cli;

import cn.egov.appliance.launch.StatusFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code appliance status}: what the running box reports about its bundles and components. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the running box's bundles, components and rejected configuration files.",
                "Exit code: 0 healthy, 1 something is not active, 2 the box is not running."})
public final class StatusCommand implements Callable<Integer> {
    static final int UNHEALTHY = 1;
    static final int NOT_RUNNING = 2;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data",
            description = "The box's state directory, as given to 'appliance run' (default: ${DEFAULT-VALUE}).")
    Path data;

    @Override
    public Integer call() throws Exception {
        Path file = data.resolve(StatusFile.NAME);
        if (!Files.isRegularFile(file)) {
            System.err.println("appliance: no box is running with data directory " + data.toAbsolutePath()
                    + " (" + file + " does not exist)");
            return NOT_RUNNING;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        System.out.print(text);
        return text.lines().anyMatch("healthy true"::equals) ? 0 : UNHEALTHY;
    }
}
