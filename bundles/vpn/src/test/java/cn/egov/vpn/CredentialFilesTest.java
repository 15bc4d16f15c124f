package cn.egov.vpn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.pki.BoxCertificates;
import cn.egov.pki.check.RevocationChecker;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.PemExport;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Before every load the files charon reads hold the key store's current certificate: a renewal reaches the tunnel. */
class CredentialFilesTest {

    private static X509Certificate selfSigned(Path dir, String cn) throws Exception {
        Path c = dir.resolve(cn + ".pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", dir.resolve(cn + ".key").toString(), "-out", c.toString(), "-subj", "/CN=" + cn, "-days", "1")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        try (InputStream in = Files.newInputStream(c)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    @Test
    void aRenewedCertificateIsWrittenBeforeTheNextLoadAndAnUnchangedOneIsLeftAlone(@TempDir Path dir) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        KeyPair first = g.generateKeyPair();
        X509Certificate root = selfSigned(dir, "root");
        BoxCredentials enrolled = new BoxCredentials(first.getPrivate(), List.of(selfSigned(dir, "130602-001")), List.of(root));
        AtomicReference<BoxCredentials> current = new AtomicReference<>(enrolled);
        BoxCertificates pki = new BoxCertificates() {
            @Override
            public Optional<BoxCredentials> current() {
                return Optional.ofNullable(current.get());
            }

            @Override
            public RevocationChecker.Result checkPeer(X509Certificate peer) {
                throw new UnsupportedOperationException();
            }
        };
        List<String> calls = new ArrayList<>();
        Charon charon = new Charon() {
            public String loadAll() {
                calls.add("loadAll");
                return "loaded";
            }

            public void initiate(String child) {
                calls.add("initiate " + child);
            }

            public List<IkeSa> listSas() {
                return List.of();
            }
        };
        Path cert = dir.resolve("pki/box.pem");
        Path key = dir.resolve("pki/box.key");
        CredentialFiles files = new CredentialFiles(charon, () -> Optional.of(pki), cert, key, List.of(dir.resolve("pki/ca-root.pem")));

        assertEquals("loaded", files.loadAll());
        assertEquals(PemExport.pem(enrolled.certificate()), Files.readString(cert));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals(PemExport.pem(root), Files.readString(dir.resolve("pki/ca-root.pem")));
        assertFalse(files.refresh(), "the same certificate: the files are left alone");

        BoxCredentials renewed = new BoxCredentials(g.generateKeyPair().getPrivate(), List.of(selfSigned(dir, "renewed")), List.of(root));
        current.set(renewed);
        files.loadAll();
        assertEquals(PemExport.pem(renewed.certificate()), Files.readString(cert), "the renewed certificate is what charon loads next");
        assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertEquals(List.of("loadAll", "loadAll"), calls);

        current.set(null);
        assertFalse(files.refresh(), "not enrolled (or no PKI service): the files stay as they are");
        assertEquals(PemExport.pem(renewed.certificate()), Files.readString(cert));
    }
}
