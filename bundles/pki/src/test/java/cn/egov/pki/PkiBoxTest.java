package cn.egov.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.pki.check.RenewalPolicy;
import cn.egov.pki.check.TrustStoreAudit;
import cn.egov.pki.est.CertificateRequests;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.BoxKeyStore;
import cn.egov.rules.unit.UnitCode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Box-side pieces that need no CA server: key store, requests, renewal timing, trust audit.
 * Certificates come from real openssl commands. (Enrolment against the real EST server is
 * tested in the manager module: BoxEnrolmentEndToEndTest.)
 */
class PkiBoxTest {

    @TempDir
    Path dir;

    @Test
    void requestIsSignedByTheBoxKeyAndNamesTheUnit() throws Exception {
        KeyPair keys = BoxKeyStore.newKeyPair();
        byte[] der = CertificateRequests.forUnit(keys, UnitCode.parse("130602-001"));
        Files.write(dir.resolve("csr.der"), der);
        String out = sh("openssl req -inform DER -in csr.der -verify -noout -text");
        assertTrue(out.contains("verify OK") || out.contains("Certificate request self-signature verify OK"), out);
        assertTrue(out.contains("CN = 130602-001") && out.contains("URI:urn:egov:unit:130602-001") && out.contains("prime256v1"), out);
    }

    @Test
    void keyStoreIsPrivateAndRoundTrips() throws Exception {
        sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout k.pem -subj /CN=130602-001 -days 10 -out c.pem");
        X509Certificate cert = cert("c.pem");
        KeyPair keys = BoxKeyStore.newKeyPair();
        BoxKeyStore store = new BoxKeyStore(dir.resolve("pki/box.p12"), "pw".toCharArray());
        assertTrue(store.load().isEmpty());
        store.save(new BoxCredentials(keys.getPrivate(), List.of(cert), List.of(cert)));
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(store.file()));
        BoxCredentials back = store.load().orElseThrow();
        assertEquals(cert, back.certificate());
        assertEquals(List.of(cert), back.trustAnchors());
        assertEquals(keys.getPrivate(), back.key());
        assertThrows(java.io.IOException.class, () -> new BoxKeyStore(store.file(), "wrong".toCharArray()).load());
    }

    @Test
    void renewalIsDueAtTwoThirdsOfTheLifetime() throws Exception {
        sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout k.pem -subj /CN=x -days 90 -out c.pem");
        X509Certificate c = cert("c.pem");
        RenewalPolicy p = new RenewalPolicy(RenewalPolicy.DEFAULT_FRACTION);
        var start = c.getNotBefore().toInstant();
        assertEquals(start.plus(Duration.ofDays(60)), p.renewAt(c));
        assertFalse(p.due(c, start.plus(Duration.ofDays(59))));
        assertTrue(p.due(c, start.plus(Duration.ofDays(60))));
        assertThrows(IllegalArgumentException.class, () -> new RenewalPolicy(1.0));
    }

    @Test
    void trustAuditFindsEveryCaThatIsNotProvincial() throws Exception {
        sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout p.key -subj '/CN=Provincial Root' -days 10 -out prov.pem");
        sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout f.key -subj '/CN=Vendor Root' -days 10 -out foreign.pem");
        Files.createDirectories(dir.resolve("x509ca"));
        Files.copy(dir.resolve("prov.pem"), dir.resolve("x509ca/prov.pem"));
        Files.copy(dir.resolve("foreign.pem"), dir.resolve("x509ca/vendor.crt"));
        Files.writeString(dir.resolve("x509ca/broken.pem"), "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        Files.writeString(dir.resolve("x509ca/README"), "ignored: not a certificate suffix");
        Files.writeString(dir.resolve("cafile.pem"), Files.readString(dir.resolve("prov.pem")));

        TrustStoreAudit audit = new TrustStoreAudit(List.of(cert("prov.pem")));
        TrustStoreAudit.Report clean = audit.audit(List.of(dir.resolve("cafile.pem"), dir.resolve("absent-dir")));
        assertTrue(clean.clean(), clean.toString());

        TrustStoreAudit.Report r = audit.audit(List.of(dir.resolve("x509ca"), dir.resolve("cafile.pem")));
        assertEquals(1, r.foreign().size(), r.toString());
        assertEquals(dir.resolve("x509ca/vendor.crt"), r.foreign().get(0).file());
        assertTrue(r.foreign().get(0).subject().contains("Vendor Root"));
        assertEquals(1, r.unreadable().size(), r.toString());
        assertEquals(dir.resolve("x509ca/broken.pem"), r.unreadable().get(0).file());
    }

    private X509Certificate cert(String name) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(dir.resolve(name))));
    }

    private String sh(String script) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", script).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
