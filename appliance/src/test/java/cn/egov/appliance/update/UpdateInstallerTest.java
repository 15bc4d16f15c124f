package cn.egov.appliance.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.policy.PolicyScope;
import cn.egov.api.update.BoxUpdate;
import cn.egov.api.update.UpdateVerifier;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.policy.dist.PolicySigningKey;
import cn.egov.manager.store.Database;
import cn.egov.manager.update.BoxUpdateSigner;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The updater's decisions with the real provincial CA and the manager's real signer, and a package
 * manager and box that are recorded (the real dpkg and box: {@code image/packages/clean-root-test.sh}):
 * a good update is installed and kept; a changed package or another CA's signature is refused before
 * anything changes; an update whose box does not come back green is rolled back, and not taken again;
 * an update whose installer died is finished by {@code recover}.
 */
class UpdateInstallerTest {

    private static final char[] PASS = "update-test".toCharArray();
    private static final UnitCode UNIT = UnitCode.parse("130602-001");

    @TempDir
    static Path shared;
    private static ProvincialCa ca;
    private static ProvincialCa foreign;
    private static BoxUpdateSigner signer;
    private static BoxUpdateSigner foreignSigner;

    @TempDir
    Path dir;
    private FakePackages packages;
    private FakeBox box;
    private UpdateInstaller installer;

    @BeforeAll
    static void ca() throws Exception {
        ca = ProvincialCa.create(shared.resolve("ca"), PASS, CaSettings.defaults("http://127.0.0.1:1"));
        foreign = ProvincialCa.create(shared.resolve("foreign"), PASS, CaSettings.defaults("http://127.0.0.1:1"));
        signer = new BoxUpdateSigner(Database.open("jdbc:sqlite:" + shared.resolve("m.db")),
                PolicySigningKey.loadOrIssue(ca, shared.resolve("ca").resolve(PolicySigningKey.FILE), PASS), Clock.systemUTC());
        foreignSigner = new BoxUpdateSigner(Database.open("jdbc:sqlite:" + shared.resolve("f.db")),
                PolicySigningKey.loadOrIssue(foreign, shared.resolve("foreign").resolve(PolicySigningKey.FILE), PASS), Clock.systemUTC());
    }

    @AfterAll
    static void close() throws Exception {
        ca.close();
        foreign.close();
    }

    @BeforeEach
    void box() {
        packages = new FakePackages("1.0");
        box = new FakeBox(packages);
        installer = new UpdateInstaller(dir.resolve("update"), packages, box,
                () -> new UpdateVerifier(List.of(ca.rootCertificate()), Clock.systemUTC()), Clock.systemUTC(), Duration.ofSeconds(5));
    }

    private static byte[] deb(String version) {
        return ("egov-box " + version).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] update(String version) throws Exception {
        return signer.sign(deb(version), version, PolicyScope.parse("county:130602")).update();
    }

    @Test
    void aGoodUpdateIsInstalledAndKept() throws Exception {
        UpdateInstaller.Outcome r = installer.install(update("1.1"), UNIT);
        assertTrue(r.ok(), r.message());
        assertTrue(r.message().startsWith("installed 1.1 (serial "), r.message());
        assertEquals("1.1", packages.installedVersion());
        assertEquals(List.of("restart"), box.events);
        UpdateState s = installer.state();
        assertEquals(UpdateState.Phase.IDLE, s.phase());
        assertEquals("1.1", s.version());
        assertTrue(s.serial() > 0);
        // what a rollback would have reinstalled: the package as it was
        assertEquals("egov-box 1.0", Files.readString(dir.resolve("update").resolve(UpdateInstaller.PREVIOUS)));
    }

    @Test
    void statusAndRecoverNeedNoTrustAnchors() throws Exception {
        // a box that never enrolled has no provincial root: 'appliance update status' and 'recover' (egov-box-update.service
        // at every start) must still work; only an install needs the verifier
        UpdateInstaller noTrust = new UpdateInstaller(dir.resolve("update"), packages, box, () -> {
            throw new IllegalArgumentException("no trusted root certificate");
        }, Clock.systemUTC(), Duration.ofSeconds(5));
        assertEquals(UpdateState.Phase.IDLE, noTrust.state().phase());
        assertTrue(noTrust.recover().ok());
    }

    @Test
    void aChangedPackageIsRefusedInOneLineAndNothingChanges() throws Exception {
        BoxUpdate good = BoxUpdate.read(update("1.1"));
        byte[] tampered = good.deb();
        tampered[tampered.length - 1] ^= 1;
        UpdateInstaller.Outcome r = installer.install(new BoxUpdate(good.envelope(), tampered).toBytes(), UNIT);
        assertFalse(r.ok());
        assertTrue(r.message().startsWith("refused (file_hash): package egov-box 1.1 has "), r.message());
        assertEquals(1, r.message().lines().count());
        assertEquals("1.0", packages.installedVersion());
        assertEquals(List.of(), box.events);
        assertFalse(Files.exists(dir.resolve("update").resolve(UpdateState.FILE)));
    }

    @Test
    void anotherCasSignatureAndAnotherUnitAreRefused() throws Exception {
        byte[] forged = foreignSigner.sign(deb("9.9"), "9.9", PolicyScope.parse("county:130602")).update();
        assertTrue(installer.install(forged, UNIT).message().startsWith("refused (chain): "));
        byte[] elsewhere = signer.sign(deb("1.2"), "1.2", PolicyScope.parse("unit:130602-002")).update();
        assertTrue(installer.install(elsewhere, UNIT).message().startsWith("refused (scope): "));
        assertTrue(installer.install("not a zip".getBytes(StandardCharsets.UTF_8), UNIT).message().startsWith("refused (format): "));
        assertEquals("1.0", packages.installedVersion());
        assertEquals(List.of(), box.events);
    }

    @Test
    void anUpdateWhoseBoxIsNotGreenIsRolledBackAndNotTakenAgain() throws Exception {
        box.unhealthy.add("1.3");
        byte[] bad = update("1.3");
        UpdateInstaller.Outcome r = installer.install(bad, UNIT);
        assertFalse(r.ok());
        assertEquals("rolled back to 1.0: box 1.3 is not green; the box is back and green", r.message());
        assertEquals("1.0", packages.installedVersion());
        assertEquals(List.of("restart", "restart"), box.events);
        assertEquals(List.of("egov-box 1.3", "egov-box 1.0"), packages.installed);
        UpdateState s = installer.state();
        assertEquals(UpdateState.Phase.IDLE, s.phase());
        assertTrue(installer.install(bad, UNIT).message().startsWith("refused (serial): "), "the same update is not taken again");
        // a later, good one is
        assertTrue(installer.install(update("1.4"), UNIT).ok());
    }

    @Test
    void anInstallThatFailsIsRolledBack() throws Exception {
        packages.refuse = "1.5";
        UpdateInstaller.Outcome r = installer.install(update("1.5"), UNIT);
        assertFalse(r.ok());
        assertTrue(r.message().startsWith("rolled back to 1.0: install failed: dpkg refused 1.5"), r.message());
        assertEquals("1.0", packages.installedVersion());
    }

    @Test
    void recoverFinishesAnUpdateWhoseInstallerDied() throws Exception {
        Path d = dir.resolve("update");
        Files.createDirectories(d);
        Files.write(d.resolve(UpdateInstaller.PREVIOUS), deb("1.0"));
        long dead = deadPid();
        // the new package went in and the box came back green: confirmed
        packages.version = "1.6";
        new UpdateState(UpdateState.Phase.INSTALLING, 7, "1.0", "1.6", "1.0", Instant.now().plusSeconds(60), dead, "installing").write(d);
        UpdateInstaller.Outcome r = installer.recover();
        assertTrue(r.ok(), r.message());
        assertEquals("1.6", installer.state().version());
        assertEquals(List.of(), box.events);
        // the new package went in and the box never came back: rolled back
        box.unhealthy.add("1.7");
        packages.version = "1.7";
        new UpdateState(UpdateState.Phase.INSTALLING, 8, "1.6", "1.7", "1.0", Instant.now().minusSeconds(1), dead, "installing").write(d);
        r = installer.recover();
        assertFalse(r.ok());
        assertTrue(r.message().startsWith("rolled back to 1.0: the installer stopped and the box is not back green"), r.message());
        assertEquals("1.0", packages.installedVersion());
        assertEquals(8, installer.state().serial());
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    /** The package as dpkg would hold it: a fake package's bytes are "egov-box VERSION". */
    static final class FakePackages implements Packages {
        String version;
        String refuse;
        final List<String> installed = new ArrayList<>();

        FakePackages(String version) {
            this.version = version;
        }

        @Override
        public String installedVersion() {
            return version;
        }

        @Override
        public void install(Path deb) throws IOException {
            String text = Files.readString(deb);
            installed.add(text);
            String v = text.substring("egov-box ".length());
            if (v.equals(refuse)) {
                throw new IOException("dpkg refused " + v);
            }
            version = v;
        }

        @Override
        public void saveInstalled(Path out) throws IOException {
            Files.write(out, deb(version));
        }
    }

    /** The box: green at its installed version unless that version is listed unhealthy. */
    static final class FakeBox implements BoxControl {
        final List<String> events = new ArrayList<>();
        final Set<String> unhealthy = new HashSet<>();
        private final FakePackages packages;

        FakeBox(FakePackages packages) {
            this.packages = packages;
        }

        @Override
        public void restart() {
            events.add("restart");
        }

        @Override
        public Optional<String> awaitHealthy(String version, Instant deadline) {
            if (!packages.version.equals(version)) {
                return Optional.of("box runs " + packages.version + ", not " + version);
            }
            return unhealthy.contains(version) ? Optional.of("box " + version + " is not green") : Optional.empty();
        }
    }
}
