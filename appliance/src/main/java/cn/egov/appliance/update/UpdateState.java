package cn.egov.appliance.update;

import cn.egov.api.json.JsonValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the updater knows across processes and restarts, in {@code <data>/update/state.json}
 * (written to a temporary file, then renamed over the old one).
 *
 * @param phase       IDLE, INSTALLING (the new package is going in or coming up) or ROLLING_BACK
 * @param serial      the greatest update serial this box took: the floor for the next one (a rolled-back
 *                    update's serial too, so that the same update is not installed again)
 * @param version     the version the box runs when IDLE
 * @param target      the version being installed (INSTALLING) or restored (ROLLING_BACK)
 * @param previous    the version before this update (what a rollback restores)
 * @param deadline    when the box must be back, healthy, at {@code target}
 * @param pid         the installer process (a watchdog takes over when it is gone)
 * @param outcome     the last update's outcome, one line
 */
public record UpdateState(Phase phase, long serial, String version, String target, String previous, Instant deadline, long pid,
                          String outcome) {

    public enum Phase { IDLE, INSTALLING, ROLLING_BACK }

    public static final String FILE = "state.json";

    /** A box that never took an update. */
    public static UpdateState initial(String version) {
        return new UpdateState(Phase.IDLE, 0, version, "", "", Instant.EPOCH, 0, "");
    }

    public static UpdateState read(Path dir, String installedVersion) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) {
            return initial(installedVersion);
        }
        Object v;
        try {
            v = JsonValues.parse(Files.readString(f, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException(f + " is not valid JSON: " + e.getMessage());
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new IOException(f + " is not a JSON object");
        }
        try {
            return new UpdateState(Phase.valueOf((String) m.get("phase")), (Long) m.get("serial"), (String) m.get("version"),
                    (String) m.get("target"), (String) m.get("previous"), Instant.parse((String) m.get("deadline")),
                    (Long) m.get("pid"), (String) m.get("outcome"));
        } catch (RuntimeException e) {
            throw new IOException(f + " has a missing or malformed field: " + e);
        }
    }

    public void write(Path dir) throws IOException {
        Map<String, Object> m = new TreeMap<>();
        m.put("phase", phase.name());
        m.put("serial", serial);
        m.put("version", version);
        m.put("target", target);
        m.put("previous", previous);
        m.put("deadline", deadline.toString());
        m.put("pid", pid);
        m.put("outcome", outcome);
        Files.createDirectories(dir);
        Path tmp = dir.resolve(FILE + ".tmp");
        Files.writeString(tmp, JsonValues.canonical(m) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    UpdateState with(Phase p, long s, String v, String t, String prev, Instant d, long who, String out) {
        return new UpdateState(p, s, v, t, prev, d, who, out);
    }
}
