package cn.egov.appliance.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Whether the box of a data directory is running, judged the way {@code appliance status} must:
 * the status file alone says what the box last saw, also when it has been dead for an hour.
 * Not running = no status file, or the box's {@link RunLock} is free, or its pid is gone;
 * not responding = alive but its heartbeat (the status file's modification time, refreshed every
 * {@link StatusFile#PERIOD}) is older than {@code staleAfter}.
 */
public final class BoxLiveness {

    public enum State { RUNNING, NOT_RUNNING, NOT_RESPONDING }

    /**
     * @param message one line for a box that is not running or not responding, saying since when; empty when running
     * @param status  the status file's text when the box is running
     */
    public record Verdict(State state, String message, String status) {
        public boolean healthy() {
            return state == State.RUNNING && status.lines().anyMatch("healthy true"::equals);
        }
    }

    private BoxLiveness() {
    }

    public static Verdict judge(Path dataDir, Duration staleAfter, Instant now) throws IOException {
        Path data = dataDir.toAbsolutePath().normalize();
        Path file = data.resolve(StatusFile.NAME);
        String text;
        Instant heartbeat;
        try {
            heartbeat = Files.getLastModifiedTime(file).toInstant();
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new Verdict(State.NOT_RUNNING, "no box is running with data directory " + data + " (no " + StatusFile.NAME
                    + ": the box has not started here, or it stopped cleanly)", "");
        }
        OptionalLong pid = pid(text);
        String since = heartbeat.truncatedTo(ChronoUnit.SECONDS) + " (its last heartbeat, " + ago(heartbeat, now) + ")";
        String who = pid.isPresent() ? "process " + pid.getAsLong() : "the box process";
        Optional<Boolean> locked = RunLock.held(data);
        boolean alive = pid.isPresent() && ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::isAlive).orElse(false);
        // The lock decides when it can be read (a pid may be reused); else the pid.
        if (!locked.orElse(alive)) {
            return new Verdict(State.NOT_RUNNING, "the box is not running since " + since + ": " + who
                    + " is gone; data directory " + data, "");
        }
        if (Duration.between(heartbeat, now).compareTo(staleAfter) > 0) {
            return new Verdict(State.NOT_RESPONDING, "the box is not responding since " + since + ", more than the "
                    + staleAfter.toSeconds() + " s allowed: " + who + " is alive but does not refresh " + file, "");
        }
        return new Verdict(State.RUNNING, "", text);
    }

    private static OptionalLong pid(String text) {
        return text.lines().filter(l -> l.startsWith(StatusFile.PID + " "))
                .mapToLong(l -> {
                    try {
                        return Long.parseLong(l.substring(StatusFile.PID.length() + 1).strip());
                    } catch (NumberFormatException e) {
                        return -1;
                    }
                })
                .filter(p -> p > 0).findFirst();
    }

    private static String ago(Instant then, Instant now) {
        long s = Math.max(0, Duration.between(then, now).toSeconds());
        return s < 120 ? s + " s ago" : s < 7200 ? s / 60 + " min ago" : s / 3600 + " h ago";
    }
}
