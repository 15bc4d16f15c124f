package cn.egov.appliance.update;

import cn.egov.api.json.JsonValues;
import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.payload.PayloadFormatException;
import cn.egov.api.update.UpdateWire;
import cn.egov.api.update.UpdateWire.Progress;
import cn.egov.api.update.UpdateWire.State;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The box's side of an update pushed over MQTT ({@link UpdateWire}): takes the manager's request,
 * refuses one for another unit, downloads the file from the manager with the box's certificate into
 * {@code <data>/update/download.update} reading at most the size the request names and checking its
 * SHA-256 on the way, then hands it to the installer ({@code appliance update install}: verify,
 * install, self-test, roll back) and reports each step on {@code UPDATE/progress}. The installer runs
 * outside the box's runtime (which it restarts), so the request waiting for its outcome is kept in
 * {@code pending.json} and the installer's outcome is read from {@code outcome.json}
 * ({@link #conclude()}: after the installer returns, every poll, and at the next start).
 *
 * <p>One request at a time; not thread-safe: call it from one thread.
 */
public final class UpdateAgent {

    /** Where the download goes, in the updater's directory. */
    static final String DOWNLOAD = "download.update";
    static final String PENDING = "pending.json";
    /** What the installer command writes when it ends ({@link #writeOutcome}). */
    public static final String OUTCOME = "outcome.json";

    /** Opens the body of a URL on the manager (HTTPS with the box's certificate); the caller closes it. */
    @FunctionalInterface
    public interface Downloads {
        InputStream open(URI url) throws IOException;
    }

    /** Starts the installer on a downloaded file. */
    @FunctionalInterface
    public interface Installs {
        /**
         * @return true when the installer finished here (its {@link #OUTCOME} is written), false when it
         *         carries on outside this process (the outcome is read later)
         */
        boolean start(Path file) throws IOException, InterruptedException;
    }

    private final Path dir;
    private final UnitCode unit;
    private final Downloads downloads;
    private final Installs installs;
    private final Consumer<Progress> reports;
    private final Clock clock;
    private final Duration giveUp;

    /**
     * @param dir      the updater's directory ({@code <data>/update})
     * @param reports  publishes a report (the box's outbox: it survives a restart)
     * @param giveUp   how long after the installer started its outcome may take (install, restart,
     *                 rollback: twice the installer's timeout and a margin)
     */
    public UpdateAgent(Path dir, UnitCode unit, Downloads downloads, Installs installs, Consumer<Progress> reports, Clock clock,
                       Duration giveUp) {
        this.dir = dir;
        this.unit = unit;
        this.downloads = downloads;
        this.installs = installs;
        this.reports = reports;
        this.clock = clock;
        this.giveUp = giveUp;
    }

    /** Handles one request (the raw KuraPayload of {@code $EDC/<account>/<unit>/UPDATE/EXEC/install}). */
    public void onRequest(byte[] payload) throws InterruptedException {
        UpdateWire.Request r;
        String id = "unknown";
        long serial = 0;
        try {
            var p = KuraPayloadCodec.decode(payload);
            if (p.metric("request.id") instanceof String s && !s.isEmpty() && s.length() <= 64 && s.matches("[A-Za-z0-9._-]+")) {
                id = s;
            }
            serial = p.longMetric("serial") == null ? 0 : p.longMetric("serial");
            r = UpdateWire.Request.from(p);
        } catch (PayloadFormatException | IllegalArgumentException e) {
            report(id, serial, State.REFUSED, "refused: the request is malformed: " + e.getMessage());
            return;
        }
        if (!r.unit().equals(unit)) {
            report(r.requestId(), r.serial(), State.REFUSED, "refused: the request is for unit " + r.unit() + ", this box is " + unit);
            return;
        }
        try {
            Optional<Pending> busy = pending();
            if (busy.isPresent()) {
                conclude();
                if (pending().isPresent()) {
                    report(r.requestId(), r.serial(), State.REFUSED, "refused: request " + busy.get().requestId() + " (serial "
                            + busy.get().serial() + ") is under way");
                    return;
                }
            }
        } catch (IOException e) {
            report(r.requestId(), r.serial(), State.REFUSED, "refused: the updater's state cannot be read: " + e.getMessage());
            return;
        }
        report(r.requestId(), r.serial(), State.DOWNLOADING, "downloading " + r.size() + " bytes from " + r.url());
        Path file = dir.resolve(DOWNLOAD);
        try {
            String why = download(r, file);
            if (why != null) {
                Files.deleteIfExists(file);
                report(r.requestId(), r.serial(), State.REFUSED, "refused: " + why);
                return;
            }
            Files.deleteIfExists(dir.resolve(OUTCOME));
            new Pending(r.requestId(), r.serial(), clock.instant()).write(dir);
            report(r.requestId(), r.serial(), State.INSTALLING, "downloaded, SHA-256 " + r.sha256() + " as requested; the installer verifies and installs it");
            if (installs.start(file)) {
                conclude();
            }
        } catch (IOException e) {
            deleteQuietly(file);
            deleteQuietly(dir.resolve(PENDING));
            report(r.requestId(), r.serial(), State.REFUSED, "refused: " + e.getMessage());
        }
    }

    /** Downloads into {@code file}; null when it has the size and SHA-256 of the request, else why not. */
    private String download(UpdateWire.Request r, Path file) throws IOException {
        Files.createDirectories(dir);
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JRE", e);
        }
        long n;
        try (InputStream in = downloads.open(r.url());
             OutputStream out = new DigestOutputStream(Files.newOutputStream(file), md)) {
            // one byte more than announced is enough to know the file is not the one requested
            n = in.transferTo(new Bounded(out, r.size() + 1));
        } catch (Bounded.Full e) {
            return "the download from " + r.url() + " is larger than the " + r.size() + " bytes the request names";
        } catch (IOException e) {
            return "the download from " + r.url() + " failed: " + e.getMessage();
        }
        String sha = HexFormat.of().formatHex(md.digest());
        if (n != r.size() || !sha.equals(r.sha256())) {
            return "the file from " + r.url() + " has " + n + " bytes with SHA-256 " + sha + ", the request names " + r.size()
                    + " bytes with " + r.sha256() + " (changed on the way?); nothing installed";
        }
        return null;
    }

    /**
     * Reports the outcome of the request waiting for its installer, when there is one: the
     * installer's {@link #OUTCOME}, or REFUSED when it gave none within the give-up time. Call it at
     * start and now and then.
     */
    public void conclude() throws IOException {
        Optional<Pending> p = pending();
        if (p.isEmpty()) {
            return;
        }
        Path f = dir.resolve(OUTCOME);
        if (Files.exists(f)) {
            Map<?, ?> m = (Map<?, ?>) JsonValues.parse(Files.readString(f, StandardCharsets.UTF_8));
            State s = State.valueOf((String) m.get("state"));
            report(p.get().requestId(), p.get().serial(), s, (String) m.get("message"));
        } else if (clock.instant().isAfter(p.get().started().plus(giveUp))) {
            report(p.get().requestId(), p.get().serial(), State.REFUSED, "the installer gave no outcome within " + giveUp.toSeconds()
                    + " s of its start (see appliance update status)");
        } else {
            return;
        }
        Files.deleteIfExists(dir.resolve(PENDING));
        Files.deleteIfExists(dir.resolve(DOWNLOAD));
    }

    /** Written by the installer command at its end: what the agent reports. */
    public static void writeOutcome(Path dir, UpdateInstaller.Outcome o) throws IOException {
        Map<String, Object> m = new TreeMap<>();
        m.put("state", (o.ok() ? State.DONE : o.refused() ? State.REFUSED : State.ROLLED_BACK).name());
        m.put("message", o.message());
        Files.createDirectories(dir);
        Path tmp = dir.resolve(OUTCOME + ".tmp");
        Files.writeString(tmp, JsonValues.canonical(m) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(OUTCOME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** True when a request waits for its installer's outcome. */
    public boolean waiting() throws IOException {
        return pending().isPresent();
    }

    private Optional<Pending> pending() throws IOException {
        Path f = dir.resolve(PENDING);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            Map<?, ?> m = (Map<?, ?>) JsonValues.parse(Files.readString(f, StandardCharsets.UTF_8));
            return Optional.of(new Pending((String) m.get("request_id"), (Long) m.get("serial"), Instant.parse((String) m.get("started"))));
        } catch (RuntimeException e) {
            throw new IOException(f + " is malformed: " + e.getMessage());
        }
    }

    private void report(String id, long serial, State state, String message) {
        reports.accept(new Progress(id, serial, state, message));
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // the next download replaces it
        }
    }

    private record Pending(String requestId, long serial, Instant started) {
        void write(Path dir) throws IOException {
            Map<String, Object> m = new TreeMap<>();
            m.put("request_id", requestId);
            m.put("serial", serial);
            m.put("started", started.toString());
            Path tmp = dir.resolve(PENDING + ".tmp");
            Files.writeString(tmp, JsonValues.canonical(m) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(PENDING), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Passes at most {@code limit} bytes on, then throws {@link Full}. */
    private static final class Bounded extends OutputStream {
        static final class Full extends IOException {
            Full() {
                super("bound reached");
            }
        }

        private final OutputStream out;
        private long left;

        Bounded(OutputStream out, long limit) {
            this.out = out;
            this.left = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > left) {
                throw new Full();
            }
            left -= len;
            out.write(b, off, len);
        }
    }
}
