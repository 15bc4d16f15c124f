package cn.egov.appliance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.pki.est.BoxEnrolment;
import cn.egov.pki.est.CertificateRequests;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.BoxKeyStore;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code appliance enrol} completes an enrolment whose certificate was issued but not stored
 * (the pending file next to the key store) without the CA: with {@code --resume}, and by itself
 * when the technician simply runs the same {@code appliance enrol} again. The manager's port is
 * closed throughout, so any contact with the CA would fail. (How the pending file comes about,
 * against the real EST server: manager's BoxEnrolmentRecoveryTest.)
 */
class EnrolResumeIT {

    @TempDir
    Path dir;

    @Test
    void resumeStoresThePendingCertificateWithoutTheCa() throws Exception {
        Path keyStore = dir.resolve("pki/box.p12");
        Path password = Files.writeString(dir.resolve("password"), "s3cret\n");
        BoxCredentials issued = pendingEnrolment(keyStore, "s3cret");

        Result r = run("enrol", "--resume", "--key-store", keyStore.toString(), "--key-store-password-file", password.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("completed the pending enrolment of unit 130602-001 (no token used)\nserial: "
                + issued.certificate().getSerialNumber().toString(16).toUpperCase()), r.out());
        assertEquals(issued.certificate(), new BoxKeyStore(keyStore, "s3cret".toCharArray()).load().orElseThrow().certificate());
        assertFalse(Files.exists(dir.resolve("pki/box.p12.pending")));
    }

    @Test
    void runningTheSameEnrolAgainCompletesItAndLeavesTheTokenUnused() throws Exception {
        Path keyStore = dir.resolve("pki/box.p12");
        BoxCredentials issued = pendingEnrolment(keyStore, "");
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Result r = run("enrol", "--manager", "https://127.0.0.1:" + closed, "--unit", "130602-001", "--token", "t0ken",
                "--root-fingerprint", "AB".repeat(32), "--key-store", keyStore.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("completed the pending enrolment of unit 130602-001; the token was not used\n"), r.out());
        assertEquals(issued.certificate(), new BoxKeyStore(keyStore, new char[0]).load().orElseThrow().certificate());
    }

    /** What BoxEnrolment leaves when the key store cannot be written: key and certificate in the pending file. */
    private static BoxCredentials pendingEnrolment(Path keyStore, String password) throws Exception {
        KeyPair rootKeys = BoxKeyStore.newKeyPair();
        KeyPair boxKeys = BoxKeyStore.newKeyPair();
        Instant now = Instant.now();
        X500Name rootName = new X500Name("CN=Test Provincial Root");
        X509Certificate root = sign(new JcaX509v3CertificateBuilder(rootName, BigInteger.ONE, Date.from(now.minusSeconds(60)),
                Date.from(now.plus(Duration.ofDays(365))), rootName, rootKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true)), rootKeys);
        X509Certificate box = sign(new JcaX509v3CertificateBuilder(rootName, BigInteger.TWO, Date.from(now.minusSeconds(60)),
                Date.from(now.plus(Duration.ofDays(90))), new X500Name("CN=130602-001"), boxKeys.getPublic())
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                        new GeneralName(GeneralName.uniformResourceIdentifier, CertificateRequests.UNIT_URI_PREFIX + "130602-001"))), rootKeys);
        BoxCredentials creds = new BoxCredentials(boxKeys.getPrivate(), List.of(box, root), List.of(root));
        Path pending = keyStore.resolveSibling(keyStore.getFileName() + BoxEnrolment.PENDING_SUFFIX);
        new BoxKeyStore(pending, password.toCharArray()).save(creds);
        return creds;
    }

    private static X509Certificate sign(org.bouncycastle.cert.X509v3CertificateBuilder b, KeyPair issuer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    }

    record Result(int exit, String out, String err) {
    }

    private Result run(String... args) throws Exception {
        Path appliance = Path.of(System.getProperty("appliance.dist"), "bin", "appliance");
        List<String> command = new ArrayList<>(List.of(appliance.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(dir.resolve("err.txt").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out, Files.readString(dir.resolve("err.txt")));
    }
}
