package cn.egov.appliance.update;

import cn.egov.api.policy.PolicyBundleException;
import cn.egov.api.update.BoxUpdate;
import cn.egov.api.update.UpdateManifest;
import cn.egov.api.update.UpdateVerifier;
import cn.egov.appliance.update.UpdateState.Phase;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Installs a signed box update, and takes it back by itself when the box does not come back green.
 *
 * <ol>
 * <li>verify ({@link UpdateVerifier}: signature, package hash, scope, serial); a refusal changes nothing;</li>
 * <li>save the installed package ({@code previous.deb}: what a rollback reinstalls) and record the phase
 *     INSTALLING with a deadline in {@code state.json} before anything changes;</li>
 * <li>install the new package, restart the box, wait until it runs the new version with its self-test
 *     green ({@link BoxControl#awaitHealthy});</li>
 * <li>when the install fails, the box does not come back or its self-test is not green by the deadline:
 *     ROLLING_BACK, reinstall {@code previous.deb}, restart, wait again.</li>
 * </ol>
 * The state names the installer's pid: when the installer itself dies (power loss, the box's host
 * restarting), {@link #recover()} finishes the job at the next start: it commits a box that came back
 * green at the new version, and rolls back one that did not by its deadline.
 */
public final class UpdateInstaller {

    static final String PREVIOUS = "previous.deb";
    static final String INCOMING = "incoming.deb";

    /** What an install or a recovery ended with; {@code ok} false for a refusal or a rollback. */
    public record Outcome(boolean ok, String message) {
        /** True for a refusal before anything changed (the message starts "refused"), false for a rollback. */
        public boolean refused() {
            return !ok && message.startsWith("refused");
        }
    }

    private final Path dir;
    private final Packages packages;
    private final BoxControl box;
    /** Made when an update is installed: status and recover need no trust anchors (a box not enrolled has none). */
    private final java.util.function.Supplier<UpdateVerifier> verifier;
    private final Clock clock;
    private final Duration timeout;

    /**
     * @param dir     the updater's state directory ({@code <data>/update})
     * @param timeout how long the box has to come back green after an install (and after a rollback)
     */
    public UpdateInstaller(Path dir, Packages packages, BoxControl box, UpdateVerifier verifier, Clock clock, Duration timeout) {
        this(dir, packages, box, () -> verifier, clock, timeout);
    }

    /** The same with the verifier made only when an update is installed. */
    public UpdateInstaller(Path dir, Packages packages, BoxControl box, java.util.function.Supplier<UpdateVerifier> verifier, Clock clock,
                           Duration timeout) {
        this.dir = dir;
        this.packages = packages;
        this.box = box;
        this.verifier = verifier;
        this.clock = clock;
        this.timeout = timeout;
    }

    public UpdateState state() throws IOException {
        return UpdateState.read(dir, packages.installedVersion());
    }

    public Outcome install(byte[] updateBytes, UnitCode unit) throws IOException, InterruptedException {
        return install(new java.io.ByteArrayInputStream(updateBytes), unit);
    }

    /** Installs the update read from {@code in} (a file; the caller closes it). */
    public Outcome install(java.io.InputStream in, UnitCode unit) throws IOException, InterruptedException {
        UpdateState s = state();
        if (s.phase() != Phase.IDLE && ProcessHandle.of(s.pid()).map(ProcessHandle::isAlive).orElse(false)) {
            return new Outcome(false, "refused: an update to " + s.target() + " is under way (process " + s.pid() + ")");
        }
        if (s.phase() != Phase.IDLE) {
            Outcome r = recover();
            if (!r.ok()) {
                return r;
            }
            s = state();
        }
        UpdateManifest m;
        BoxUpdate update;
        try {
            update = BoxUpdate.read(in);
            m = verifier.get().verify(update, unit, s.serial());
        } catch (PolicyBundleException e) {
            return new Outcome(false, "refused (" + e.check().label() + "): " + e.getMessage());
        }
        String from = packages.installedVersion();
        Files.createDirectories(dir);
        packages.saveInstalled(dir.resolve(PREVIOUS));
        Path incoming = dir.resolve(INCOMING);
        Files.write(incoming, update.deb());
        long self = ProcessHandle.current().pid();
        UpdateState going = new UpdateState(Phase.INSTALLING, m.serial(), from, m.version(), from, clock.instant().plus(timeout), self,
                "installing " + m.version() + " (serial " + m.serial() + ") over " + from);
        going.write(dir);
        String why;
        try {
            packages.install(incoming);
            box.restart();
            Optional<String> wrong = box.awaitHealthy(m.version(), going.deadline());
            if (wrong.isEmpty()) {
                Files.deleteIfExists(incoming);
                String done = "installed " + m.version() + " (serial " + m.serial() + "), was " + from + "; the box is back and green";
                new UpdateState(Phase.IDLE, m.serial(), m.version(), "", "", going.deadline(), 0, done).write(dir);
                return new Outcome(true, done);
            }
            why = wrong.get();
        } catch (IOException e) {
            why = "install failed: " + e.getMessage();
        }
        return rollBack(going, why);
    }

    /** Finishes an update whose installer is gone (at the box's next start, or before the next update). */
    public Outcome recover() throws IOException, InterruptedException {
        UpdateState s = state();
        if (s.phase() == Phase.IDLE) {
            return new Outcome(true, "nothing to recover: " + (s.outcome().isEmpty() ? "no update under way" : s.outcome()));
        }
        if (ProcessHandle.of(s.pid()).map(ProcessHandle::isAlive).orElse(false) && s.pid() != ProcessHandle.current().pid()) {
            return new Outcome(false, "an update to " + s.target() + " is under way (process " + s.pid() + ")");
        }
        if (s.phase() == Phase.INSTALLING) {
            Optional<String> wrong = box.awaitHealthy(s.target(), s.deadline().isAfter(clock.instant()) ? s.deadline() : clock.instant());
            if (wrong.isEmpty()) {
                String done = "installed " + s.target() + " (serial " + s.serial() + "), was " + s.previous() + "; confirmed after the installer stopped";
                new UpdateState(Phase.IDLE, s.serial(), s.target(), "", "", s.deadline(), 0, done).write(dir);
                return new Outcome(true, done);
            }
            return rollBack(s, "the installer stopped and the box is not back green: " + wrong.get());
        }
        return rollBack(s, "a rollback was interrupted: " + s.outcome());
    }

    private Outcome rollBack(UpdateState failed, String why) throws IOException, InterruptedException {
        String to = failed.previous();
        UpdateState back = new UpdateState(Phase.ROLLING_BACK, failed.serial(), to, to, to, clock.instant().plus(timeout),
                ProcessHandle.current().pid(), "rolling back to " + to + ": " + why);
        back.write(dir);
        packages.install(dir.resolve(PREVIOUS));
        box.restart();
        Optional<String> wrong = box.awaitHealthy(to, back.deadline());
        String version = packages.installedVersion();
        String end = "rolled back to " + version + ": " + why
                + (wrong.isEmpty() ? "; the box is back and green" : "; after the rollback: " + wrong.get());
        // the failed update's serial stays the floor: the same update is not taken again
        new UpdateState(Phase.IDLE, failed.serial(), version, "", "", back.deadline(), 0, end).write(dir);
        return new Outcome(false, end);
    }
}
