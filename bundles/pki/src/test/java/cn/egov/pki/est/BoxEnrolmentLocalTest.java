package cn.egov.pki.est;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.api.time.BeijingTime;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.BoxKeyStore;
import cn.egov.rules.unit.UnitCode;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The box side of enrolment that needs no CA: the checks made before a token is spent, and a
 * pending enrolment completed without the CA. The EST URL points at a closed port, so any
 * attempt to contact the CA would fail with an {@link EstException} instead of what is asserted.
 * (Against the real EST server: manager's BoxEnrolmentRecoveryTest.)
 */
class BoxEnrolmentLocalTest {
    static final UnitCode UNIT = UnitCode.parse("130602-001");
    static final AtomicLong SERIALS = new AtomicLong(100);

    @TempDir
    Path dir;
    URI closedPort;
    KeyPair rootKeys;
    X509Certificate root;

    @BeforeEach
    void setUp() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = URI.create("https://127.0.0.1:" + s.getLocalPort());
        }
        rootKeys = BoxKeyStore.newKeyPair();
        Instant now = Instant.now();
        root = cert("CN=Test Provincial Root", rootKeys, rootKeys, "CN=Test Provincial Root", null,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3650)));
    }

    @Test
    void aKeyStoreThatCannotBeWrittenStopsTheEnrolmentBeforeTheCaIsAsked() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        BoxEnrolment under = new BoxEnrolment(closedPort, new BoxKeyStore(notADirectory.resolve("pki/box.p12"), new char[0]));
        PreconditionException e = assertThrows(PreconditionException.class, () -> under.enrol(UNIT, "token", List.of(root)));
        assertEquals("key store " + notADirectory.resolve("pki/box.p12") + " cannot be created: " + notADirectory
                + " is not a directory", e.getMessage());

        Path folder = Files.createDirectories(dir.resolve("box.p12"));
        BoxEnrolment onDir = new BoxEnrolment(closedPort, new BoxKeyStore(folder, new char[0]));
        assertEquals("key store " + folder + " is not a regular file",
                assertThrows(PreconditionException.class, () -> onDir.enrol(UNIT, "token", List.of(root))).getMessage());
    }

    @Test
    void aWritableKeyStoreFolderPassesAndTheProbeLeavesNothingBehind() throws Exception {
        Path keyStore = dir.resolve("new/pki/box.p12");
        new EnrolmentPreflight(Clock.systemUTC()).keyStoreWritable(keyStore);
        assertTrue(Files.isDirectory(keyStore.getParent()));
        try (var files = Files.list(keyStore.getParent())) {
            assertEquals(List.of(), files.toList());
        }
        // and then it goes on to the CA: here a closed port
        BoxEnrolment enrolment = new BoxEnrolment(closedPort, new BoxKeyStore(keyStore, new char[0]));
        EstException e = assertThrows(EstException.class, () -> enrolment.enrol(UNIT, "token", List.of(root)));
        assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
    }

    @Test
    void aClockOutsideTheCaValidityStopsTheEnrolment() throws Exception {
        Clock before = Clock.fixed(root.getNotBefore().toInstant().minus(Duration.ofDays(400)), ZoneOffset.UTC);
        BoxEnrolment early = new BoxEnrolment(closedPort, new BoxKeyStore(dir.resolve("box.p12"), new char[0]), before,
                EstClient.DEFAULT_TIMEOUT);
        PreconditionException e = assertThrows(PreconditionException.class, () -> early.enrol(UNIT, "token", List.of(root)));
        assertTrue(e.getMessage().startsWith("the box clock says " + BeijingTime.of(before.instant())
                        + " (Beijing time), before the start of the validity of CA certificate CN=Test Provincial Root"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("set the clock (NTP, or date -s) and enrol again"), e.getMessage());

        Clock after = Clock.fixed(root.getNotAfter().toInstant().plusSeconds(1), ZoneOffset.UTC);
        PreconditionException late = assertThrows(PreconditionException.class, () -> new EnrolmentPreflight(after).clockWithin(List.of(root)));
        assertTrue(late.getMessage().contains("after CA certificate CN=Test Provincial Root expired"), late.getMessage());
    }

    @Test
    void theBuildTimeIsAFloorForTheClock() throws Exception {
        Instant built = EnrolmentPreflight.buildTime().orElseThrow(() -> new AssertionError("no Bnd-LastModified in the pki manifest"));
        assertTrue(built.isBefore(Instant.now().plusSeconds(1)), built.toString());
        Clock unset = Clock.fixed(Instant.parse("1970-01-01T00:00:10Z"), ZoneOffset.UTC);
        PreconditionException e = assertThrows(PreconditionException.class,
                () -> new EnrolmentPreflight(unset).clockNotBefore(built, "this software was built"));
        assertEquals("the box clock says 1970-01-01 08:00:10 (Beijing time), before this software was built (" + BeijingTime.of(built)
                + "): set the clock (NTP, or date -s) and enrol again", e.getMessage());
    }

    @Test
    void aPendingEnrolmentIsCompletedWithoutTheCa() throws Exception {
        BoxKeyStore store = new BoxKeyStore(dir.resolve("pki/box.p12"), "pw".toCharArray());
        BoxEnrolment enrolment = new BoxEnrolment(closedPort, store);
        BoxCredentials issued = boxCredentials(UNIT, Instant.now().minusSeconds(60));
        store.at(enrolment.pendingFile()).save(issued);
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(enrolment.pendingFile()));

        // enrol() completes it instead of spending the token (a closed port would fail otherwise)
        BoxCredentials back = enrolment.enrol(UNIT, "unused-token", List.of(root));
        assertEquals(issued.certificate(), back.certificate());
        assertEquals(issued.certificate(), store.load().orElseThrow().certificate());
        assertEquals(issued.key(), store.load().orElseThrow().key());
        assertFalse(Files.exists(enrolment.pendingFile()));
        assertTrue(enrolment.resumePending(null).isEmpty(), "nothing pending any more");
    }

    @Test
    void aPendingEnrolmentOfAnotherUnitOrAnOlderOneIsNotUsed() throws Exception {
        BoxKeyStore store = new BoxKeyStore(dir.resolve("box.p12"), new char[0]);
        BoxEnrolment enrolment = new BoxEnrolment(closedPort, store);
        store.at(enrolment.pendingFile()).save(boxCredentials(UnitCode.parse("130602-009"), Instant.now().minusSeconds(60)));
        PreconditionException other = assertThrows(PreconditionException.class, () -> enrolment.enrol(UNIT, "token", List.of(root)));
        assertEquals("pending enrolment file " + enrolment.pendingFile() + " holds the certificate of unit 130602-009, not 130602-001:"
                + " complete it with 'appliance enrol --resume', or remove the file", other.getMessage());

        BoxCredentials newer = boxCredentials(UNIT, Instant.now().minusSeconds(10));
        store.save(newer);
        store.at(enrolment.pendingFile()).save(boxCredentials(UNIT, Instant.now().minusSeconds(600)));
        PreconditionException stale = assertThrows(PreconditionException.class, () -> enrolment.resumePending(UNIT));
        assertTrue(stale.getMessage().endsWith("is older than the certificate in key store " + store.file() + ": remove the pending file"),
                stale.getMessage());
        assertEquals(newer.certificate(), store.load().orElseThrow().certificate(), "the newer certificate stays");
    }

    @Test
    void aKeyStoreThatCannotBeReplacedLeavesNoCopyOfTheKey() throws Exception {
        Path target = Files.createDirectories(dir.resolve("box.p12"));
        Files.writeString(target.resolve("occupied"), "a folder where the key store should be");
        BoxKeyStore store = new BoxKeyStore(target, new char[0]);
        assertThrows(java.io.IOException.class, () -> store.save(boxCredentials(UNIT, Instant.now())));
        assertFalse(Files.exists(dir.resolve("box.p12.tmp")), "the temporary copy is removed");
    }

    private BoxCredentials boxCredentials(UnitCode unit, Instant notBefore) throws Exception {
        KeyPair keys = BoxKeyStore.newKeyPair();
        X509Certificate box = cert("CN=" + unit, keys, rootKeys, root.getSubjectX500Principal().getName(),
                CertificateRequests.UNIT_URI_PREFIX + unit, notBefore, notBefore.plus(Duration.ofDays(90)));
        return new BoxCredentials(keys.getPrivate(), List.of(box, root), List.of(root));
    }

    private static X509Certificate cert(String subject, KeyPair subjectKeys, KeyPair issuerKeys, String issuer, String unitUri,
                                        Instant notBefore, Instant notAfter) throws Exception {
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(SERIALS.incrementAndGet()),
                Date.from(notBefore), Date.from(notAfter), new X500Name(subject), subjectKeys.getPublic());
        if (unitUri == null) {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        } else {
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, unitUri)));
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }
}
