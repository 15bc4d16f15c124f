package cn.egov.appliance.cli;

import cn.egov.appliance.launch.BoxLiveness;
import cn.egov.appliance.launch.StatusFile;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code appliance status}: what the running box reports about its bundles and components, but
 * only if it is running: a box killed with {@code kill -9} leaves a status file that still says
 * {@code healthy true}, so the box's lock and heartbeat are checked first ({@link BoxLiveness}).
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the running box's bundles, components and rejected configuration files.",
                "A box whose process is gone, or whose heartbeat (the status file, refreshed every second) is older than "
                        + "--stale-after, is reported on one line as not running, with the time of its last heartbeat."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the box runs and is healthy", "1:the box runs, something is not active (see the listing)",
                "2:the box is not running or not responding (one line on stderr), or a usage error"})
public final class StatusCommand implements Callable<Integer> {
    static final int UNHEALTHY = 1;
    static final int NOT_RUNNING = 2;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data",
            description = "The box's state directory, as given to 'appliance run' (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--stale-after", paramLabel = "SECONDS",
            description = "A heartbeat older than this means the box is not responding (default: "
                    + StatusFile.STALE_PERIODS + " refresh periods, " + StatusFile.PERIOD_MS * StatusFile.STALE_PERIODS / 1000 + " s).")
    Integer staleAfterSeconds;

    @Override
    public Integer call() throws Exception {
        if (staleAfterSeconds != null && staleAfterSeconds < 1) {
            throw new UserError("--stale-after must be at least 1 second, got " + staleAfterSeconds);
        }
        Duration staleAfter = staleAfterSeconds == null ? StatusFile.staleAfter() : Duration.ofSeconds(staleAfterSeconds);
        BoxLiveness.Verdict verdict = BoxLiveness.judge(data, staleAfter, Instant.now());
        if (verdict.state() != BoxLiveness.State.RUNNING) {
            System.err.println("appliance status: " + verdict.message());
            return NOT_RUNNING;
        }
        System.out.print(verdict.status());
        return verdict.healthy() ? 0 : UNHEALTHY;
    }
}
