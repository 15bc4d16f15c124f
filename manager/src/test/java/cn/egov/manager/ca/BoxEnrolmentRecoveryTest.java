package cn.egov.manager.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.pki.est.BoxEnrolment;
import cn.egov.pki.est.EstClient;
import cn.egov.pki.est.EstException;
import cn.egov.pki.est.FingerprintMismatchException;
import cn.egov.pki.est.NotStoredException;
import cn.egov.pki.est.PreconditionException;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.BoxKeyStore;
import cn.egov.rules.unit.UnitCode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyStore;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * An enrolment must not waste its one-time token: the box's PKI classes against the manager's
 * real EST server, with real file-system failures made by bind mounts (tests run as root): a
 * key store folder on a read-only mount (EROFS, which root cannot override) and a key store that
 * cannot be replaced (a mount point: rename gives EBUSY).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BoxEnrolmentRecoveryTest {

    static final char[] PASS = "recovery passphrase".toCharArray();

    @TempDir
    static Path dir;
    ProvincialCa ca;
    CrlPublisher crls;
    CaHttpServer server;
    URI est;
    List<X509Certificate> cas;

    @BeforeAll
    void start() throws Exception {
        int httpPort;
        try (ServerSocket s = new ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        Path caDir = dir.resolve("ca");
        ca = ProvincialCa.create(caDir, PASS, CaSettings.defaults("http://127.0.0.1:" + httpPort), HebeiPlan.names());
        crls = new CrlPublisher(ca, caDir.resolve("crl"));
        crls.start();
        KeyStore tls = EstTlsIdentity.loadOrIssue(ca, caDir, PASS, List.of("localhost"), List.of("127.0.0.1"));
        server = CaHttpServer.start(ca, crls, tls, PASS, "127.0.0.1", 0, httpPort, 64);
        est = URI.create("https://127.0.0.1:" + server.httpsPort());
        cas = EstClient.bootstrapCaCerts(est, EstClient.fingerprint(ca.rootCertificate()));
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        crls.close();
        ca.close();
    }

    @Test
    void aKeyStoreOnAReadOnlyMountLeavesTheTokenUnused() throws Exception {
        UnitCode unit = UnitCode.parse("130602-001");
        EnrolmentToken token = ca.newToken(unit, "jyj.jingxiu.gov.cn", Duration.ofHours(1));
        Path readOnly = Files.createDirectories(dir.resolve("ro"));
        String before = ca.databaseDump();
        mount("--bind", readOnly.toString(), readOnly.toString());
        try {
            mount("-o", "remount,bind,ro", readOnly.toString());
            BoxEnrolment onReadOnly = new BoxEnrolment(est, new BoxKeyStore(readOnly.resolve("box.p12"), "pw".toCharArray()));
            PreconditionException e = assertThrows(PreconditionException.class, () -> onReadOnly.enrol(unit, token.secret(), cas));
            assertTrue(e.getMessage().startsWith("key store folder " + readOnly + " is not writable: "), e.getMessage());
            assertTrue(e.getMessage().contains("Read-only file system"), e.getMessage());
        } finally {
            umount(readOnly);
        }
        assertEquals(before, ca.databaseDump(), "the CA issued nothing and the token is not marked used");

        // the same token still enrols, into a folder that can be written
        BoxKeyStore good = new BoxKeyStore(dir.resolve("rw/box.p12"), "pw".toCharArray());
        BoxCredentials creds = new BoxEnrolment(est, good).enrol(unit, token.secret(), cas);
        assertEquals(unit, BoxEnrolment.unitOf(creds.certificate()));
        assertEquals(creds.certificate(), good.load().orElseThrow().certificate());
    }

    @Test
    void aFailureAfterIssuanceIsCompletedLaterWithoutANewToken() throws Exception {
        UnitCode unit = UnitCode.parse("130602-002");
        EnrolmentToken token = ca.newToken(unit, null, Duration.ofHours(1));
        Path boxDir = Files.createDirectories(dir.resolve("box22"));
        Path keyStore = Files.writeString(boxDir.resolve("box.p12"), "old key store");
        Path occupant = Files.writeString(dir.resolve("occupant"), "something mounted over the key store");
        BoxKeyStore store = new BoxKeyStore(keyStore, "pw".toCharArray());
        BoxEnrolment enrolment = new BoxEnrolment(est, store);
        NotStoredException failed;
        mount("--bind", occupant.toString(), keyStore.toString());
        try {
            // passes every check (the key store is a writable file), but rename onto a mount point fails: EBUSY
            failed = assertThrows(NotStoredException.class, () -> enrolment.enrol(unit, token.secret(), cas));
        } finally {
            umount(keyStore);
        }
        Path pending = enrolment.pendingFile();
        assertEquals(pending, failed.pending().orElseThrow());
        assertTrue(failed.getMessage().contains("Device or resource busy"), failed.getMessage());
        assertTrue(failed.getMessage().endsWith("complete the enrolment with 'appliance enrol --resume' (no new token needed)"),
                failed.getMessage());
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(pending));
        assertEquals("old key store", Files.readString(keyStore), "the old key store is untouched");
        assertFalse(Files.exists(boxDir.resolve("box.p12.tmp")), "no stray copy of the key");
        // the token is spent: the CA refuses it now
        EstException replay = assertThrows(EstException.class, () -> new BoxEnrolment(est, new BoxKeyStore(dir.resolve("x/box.p12"),
                new char[0])).enrol(unit, token.secret(), cas));
        assertEquals(401, replay.status());

        // completed later without the CA: the EST URL is a closed port
        BoxEnrolment offline = new BoxEnrolment(closedPort(), store, Clock.systemUTC(), Duration.ofSeconds(5));
        BoxCredentials done = offline.resumePending(unit).orElseThrow();
        assertEquals(failed.serial(), done.certificate().getSerialNumber());
        assertFalse(Files.exists(pending));
        BoxCredentials stored = store.load().orElseThrow();
        assertEquals(done.certificate(), stored.certificate());
        assertTrue(keyMatches(stored), "the stored key is the certificate's key");

        // and it is a working identity: the CA renews it over TLS authenticated by that key
        BoxCredentials renewed = enrolment.renew(stored);
        assertNotEquals(stored.certificate().getSerialNumber(), renewed.certificate().getSerialNumber());
        assertEquals(unit, BoxEnrolment.unitOf(renewed.certificate()));
    }

    @Test
    void aWrongRootFingerprintIsRefusedWithoutShowingTheRightOne() throws Exception {
        String root = EstClient.fingerprint(ca.rootCertificate());
        String typo = (root.charAt(0) == 'A' ? "B" : "A") + root.substring(1);
        FingerprintMismatchException e = assertThrows(FingerprintMismatchException.class, () -> EstClient.bootstrapCaCerts(est, typo));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
        assertTrue(e.getMessage().contains("you entered " + typo), e.getMessage());
        assertTrue(e.getMessage().contains("published notice"), e.getMessage());
        assertFalse(e.getMessage().contains(root), "the offered root's fingerprint must not be printed: " + e.getMessage());
        assertFalse(e.getMessage().contains(root.substring(0, 12)), "at most a short prefix of it: " + e.getMessage());
        assertTrue(e.getMessage().contains(root.substring(0, 11) + "..."), e.getMessage());
    }

    private static boolean keyMatches(BoxCredentials c) throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(c.key());
        s.update(new byte[]{1, 2, 3});
        byte[] sig = s.sign();
        s.initVerify(c.certificate().getPublicKey());
        s.update(new byte[]{1, 2, 3});
        return s.verify(sig);
    }

    private static URI closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("https://127.0.0.1:" + s.getLocalPort());
        }
    }

    private static void mount(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "mount";
        System.arraycopy(args, 0, command, 1, args.length);
        Commands.run(dir, command).expectOk();
    }

    private static void umount(Path target) throws Exception {
        Commands.run(dir, "umount", target.toString()).expectOk();
    }
}
