package cn.egov.appliance.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.payload.KuraPayloadCodec;
import cn.egov.api.policy.PolicyScope;
import cn.egov.api.update.BoxUpdate;
import cn.egov.api.update.UpdateVerifier;
import cn.egov.api.update.UpdateWire;
import cn.egov.api.update.UpdateWire.Progress;
import cn.egov.api.update.UpdateWire.State;
import cn.egov.appliance.update.UpdateInstallerTest.FakeBox;
import cn.egov.appliance.update.UpdateInstallerTest.FakePackages;
import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.manager.policy.dist.PolicySigningKey;
import cn.egov.manager.store.Database;
import cn.egov.manager.update.BoxUpdateSigner;
import cn.egov.rules.unit.UnitCode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The box's side of an update pushed over MQTT: the request is checked (unit, size, SHA-256 of what
 * was downloaded) before the installer sees anything, and the installer's outcome is reported, also
 * by the runtime that starts after the restart. The installer here is the real one with a fake dpkg
 * and box ({@link UpdateInstallerTest}); the download is served from memory (HTTPS with the box's
 * certificate against the manager's server: the manager's UpdatePartTest).
 */
class UpdateAgentTest {

    private static final char[] PASS = "agent-test".toCharArray();
    private static final UnitCode UNIT = UnitCode.parse("130602-001");
    private static final URI URL = URI.create("https://manager.example:8445/updates/v1/1");

    @TempDir
    static Path shared;
    private static ProvincialCa ca;
    private static BoxUpdateSigner signer;

    @TempDir
    Path dir;
    private Path updates;
    private FakePackages packages;
    private FakeBox box;
    private UpdateInstaller installer;
    private final List<Progress> reports = new ArrayList<>();
    private final List<URI> downloaded = new ArrayList<>();
    private byte[] served;
    private int installerStarts;

    @BeforeAll
    static void ca() throws Exception {
        ca = ProvincialCa.create(shared.resolve("ca"), PASS, CaSettings.defaults("http://127.0.0.1:1"));
        signer = new BoxUpdateSigner(Database.open("jdbc:sqlite:" + shared.resolve("m.db")),
                PolicySigningKey.loadOrIssue(ca, shared.resolve("ca").resolve(PolicySigningKey.FILE), PASS), Clock.systemUTC());
    }

    @AfterAll
    static void close() throws Exception {
        ca.close();
    }

    @BeforeEach
    void box() {
        updates = dir.resolve("update");
        packages = new FakePackages("1.0");
        box = new FakeBox(packages);
        installer = new UpdateInstaller(updates, packages, box, new UpdateVerifier(List.of(ca.rootCertificate()), Clock.systemUTC()),
                Clock.systemUTC(), Duration.ofSeconds(5));
    }

    /** An agent whose installer runs here, as egov-box-install.service would run it. */
    private UpdateAgent agent() {
        return new UpdateAgent(updates, UNIT, url -> {
            downloaded.add(url);
            return new ByteArrayInputStream(served);
        }, file -> {
            installerStarts++;
            UpdateInstaller.Outcome o;
            try (InputStream in = Files.newInputStream(file)) {
                o = installer.install(in, UNIT);
            }
            UpdateAgent.writeOutcome(updates, o);
            return true;
        }, reports::add, Clock.systemUTC(), Duration.ofMinutes(15));
    }

    private static byte[] update(String version) throws Exception {
        return signer.sign(("egov-box " + version).getBytes(StandardCharsets.UTF_8), version, PolicyScope.parse("county:130602")).update();
    }

    private static byte[] request(String unit, byte[] file) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file));
        return KuraPayloadCodec.encode(new UpdateWire.Request("req-1", UnitCode.parse(unit), 1, sha, file.length, URL).toPayload());
    }

    private List<State> states() {
        return reports.stream().map(Progress::state).toList();
    }

    private void assertNothingInstalled() {
        assertEquals("1.0", packages.installedVersion());
        assertEquals(List.of(), packages.installed);
        assertEquals(List.of(), box.events);
        assertFalse(Files.exists(updates.resolve(UpdateAgent.DOWNLOAD)), "no download left behind");
        assertFalse(Files.exists(updates.resolve(UpdateAgent.PENDING)));
    }

    @Test
    void aGoodUpdateIsDownloadedInstalledAndReportedDone() throws Exception {
        served = update("1.1");
        agent().onRequest(request("130602-001", served));
        assertEquals(List.of(State.DOWNLOADING, State.INSTALLING, State.DONE), states(), reports.toString());
        assertEquals(List.of(URL), downloaded);
        assertTrue(reports.get(2).message().startsWith("installed 1.1 (serial "), reports.get(2).message());
        assertEquals("1.1", packages.installedVersion());
        assertTrue(reports.stream().allMatch(p -> p.requestId().equals("req-1") && p.serial() == 1));
        assertFalse(Files.exists(updates.resolve(UpdateAgent.PENDING)));
    }

    @Test
    void aRequestForAnotherUnitIsRefusedAndNothingIsDownloadedOrInstalled() throws Exception {
        served = update("1.1");
        agent().onRequest(request("130602-002", served));
        assertEquals(List.of(State.REFUSED), states());
        assertEquals("refused: the request is for unit 130602-002, this box is 130602-001", reports.get(0).message());
        assertEquals(List.of(), downloaded);
        assertEquals(0, installerStarts);
        assertNothingInstalled();
    }

    @Test
    void aFileWithAnotherSha256IsRefusedInOneLineAndNotInstalled() throws Exception {
        byte[] requested = update("1.1");
        served = requested.clone();
        served[served.length / 2] ^= 1; // changed on the way
        agent().onRequest(request("130602-001", requested));
        assertEquals(List.of(State.DOWNLOADING, State.REFUSED), states());
        String line = reports.get(1).message();
        assertTrue(line.startsWith("refused: the file from " + URL + " has " + served.length + " bytes with SHA-256 "), line);
        assertTrue(line.endsWith("(changed on the way?); nothing installed"), line);
        assertEquals(1, line.lines().count());
        assertEquals(0, installerStarts);
        assertNothingInstalled();
    }

    @Test
    void aDownloadLargerThanRequestedIsCutAndRefused() throws Exception {
        byte[] requested = update("1.1");
        served = new byte[requested.length + 4096];
        agent().onRequest(request("130602-001", requested));
        assertEquals(List.of(State.DOWNLOADING, State.REFUSED), states());
        assertEquals("refused: the download from " + URL + " is larger than the " + requested.length + " bytes the request names",
                reports.get(1).message());
        assertNothingInstalled();
    }

    @Test
    void aTamperedPackageWhoseFileMatchesTheRequestIsRefusedByTheInstaller() throws Exception {
        // the manager served (and announced) a file whose package was changed after signing: the
        // download checks pass, the installer's signature check does not
        BoxUpdate good = BoxUpdate.read(update("1.2"));
        byte[] deb = good.deb();
        deb[deb.length - 1] ^= 1;
        served = new BoxUpdate(good.envelope(), deb).toBytes();
        agent().onRequest(request("130602-001", served));
        assertEquals(List.of(State.DOWNLOADING, State.INSTALLING, State.REFUSED), states());
        String line = reports.get(2).message();
        assertTrue(line.startsWith("refused (file_hash): package egov-box 1.2 has "), line);
        assertEquals(1, line.lines().count());
        assertNothingInstalled();
    }

    @Test
    void malformedRequestsAreRefusedInOneLine() throws Exception {
        agent().onRequest("not a payload".getBytes(StandardCharsets.UTF_8));
        agent().onRequest(KuraPayloadCodec.encode(cn.egov.api.payload.KuraPayload.builder().metric("request.id", "r2")
                .metric("unit", "130602-001").metric("serial", 3L).build()));
        assertEquals(List.of(State.REFUSED, State.REFUSED), states());
        assertTrue(reports.get(0).message().startsWith("refused: the request is malformed: "), reports.get(0).message());
        assertEquals("refused: the request is malformed: metric 'url' is missing or not a string", reports.get(1).message());
        assertEquals("r2", reports.get(1).requestId());
        assertNothingInstalled();
    }

    @Test
    void theOutcomeOfAnInstallerThatOutlivedTheRuntimeIsReportedAtTheNextStart() throws Exception {
        served = update("1.3");
        box.unhealthy.add("1.3");
        // the runtime hands over to systemd's installer unit and is restarted by it
        UpdateAgent before = new UpdateAgent(updates, UNIT, url -> new ByteArrayInputStream(served), file -> {
            Files.move(file, updates.resolve("install.update"));
            return false;
        }, reports::add, Clock.systemUTC(), Duration.ofMinutes(15));
        before.onRequest(request("130602-001", served));
        assertEquals(List.of(State.DOWNLOADING, State.INSTALLING), states());
        assertTrue(before.waiting());
        before.conclude();
        assertEquals(2, reports.size(), "no outcome yet: nothing reported");
        // egov-box-install.service: install --consume
        UpdateInstaller.Outcome o;
        try (InputStream in = Files.newInputStream(updates.resolve("install.update"))) {
            o = installer.install(in, UNIT);
        }
        UpdateAgent.writeOutcome(updates, o);
        // the runtime after the restart
        UpdateAgent after = agent();
        after.conclude();
        assertEquals(List.of(State.DOWNLOADING, State.INSTALLING, State.ROLLED_BACK), states());
        assertEquals("rolled back to 1.0: box 1.3 is not green; the box is back and green", reports.get(2).message());
        assertFalse(after.waiting());
        after.conclude();
        assertEquals(3, reports.size(), "reported once");
    }

    @Test
    void aRequestWithoutOutcomeIsGivenUp() throws Exception {
        served = update("1.4");
        UpdateAgent a = new UpdateAgent(updates, UNIT, url -> new ByteArrayInputStream(served), file -> false, reports::add,
                Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-20)), Duration.ofMinutes(15));
        a.onRequest(request("130602-001", served));
        new UpdateAgent(updates, UNIT, url -> null, file -> false, reports::add, Clock.systemUTC(), Duration.ofMinutes(15)).conclude();
        assertEquals(List.of(State.DOWNLOADING, State.INSTALLING, State.REFUSED), states());
        assertEquals("the installer gave no outcome within 900 s of its start (see appliance update status)", reports.get(2).message());
    }
}
