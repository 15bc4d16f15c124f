package cn.egov.appliance.update;

import cn.egov.appliance.launch.BoxLiveness;
import cn.egov.appliance.launch.StatusFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The box's runtime as the service manager runs it: restarted with a command ({@code systemctl
 * restart egov-box.service} on a box), judged from its status file ({@link BoxLiveness}: running,
 * heartbeat fresh, {@code healthy true}, and the {@code version} line).
 */
public final class RunningBox implements BoxControl {

    private static final long POLL_MS = 1000;

    private final Path data;
    private final List<String> restartCommand;
    private final Clock clock;

    public RunningBox(Path data, List<String> restartCommand, Clock clock) {
        this.data = data;
        this.restartCommand = List.copyOf(restartCommand);
        this.clock = clock;
    }

    @Override
    public void restart() throws IOException {
        Process p = new ProcessBuilder(restartCommand).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", restartCommand) + " failed (exit " + p.exitValue() + "): " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while restarting the box");
        }
    }

    @Override
    public Optional<String> awaitHealthy(String version, Instant deadline) throws IOException, InterruptedException {
        String wrong;
        do {
            wrong = judge(version);
            if (wrong == null) {
                return Optional.empty();
            }
            if (clock.instant().isBefore(deadline)) {
                Thread.sleep(POLL_MS);
            }
        } while (clock.instant().isBefore(deadline));
        return Optional.of(wrong + " (at " + deadline + ")");
    }

    /** What keeps the box from counting as back at {@code version}, or null. */
    private String judge(String version) throws IOException {
        BoxLiveness.Verdict v = BoxLiveness.judge(data, StatusFile.staleAfter(), clock.instant());
        if (v.state() != BoxLiveness.State.RUNNING) {
            return "the box did not come back: " + v.message();
        }
        String running = v.status().lines().filter(l -> l.startsWith(StatusFile.VERSION + " "))
                .map(l -> l.substring(StatusFile.VERSION.length() + 1)).findFirst().orElse("unknown");
        if (!running.equals(version)) {
            return "the box runs version " + running + ", not " + version;
        }
        if (!v.healthy()) {
            List<String> alarms = v.status().lines().filter(l -> l.startsWith(cn.egov.appliance.launch.RuntimeStatus.ALARM_LINE) || l.startsWith(cn.egov.appliance.launch.RuntimeStatus.SELFTEST_LINE + "FAIL")).toList();
            return "the box runs " + version + " but is not healthy" + (alarms.isEmpty() ? "" : ": " + String.join("; ", alarms));
        }
        return null;
    }
}
