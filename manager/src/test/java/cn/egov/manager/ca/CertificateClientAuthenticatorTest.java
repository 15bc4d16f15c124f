package cn.egov.manager.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.broker.ClientCredentials;
import cn.egov.manager.broker.ClientRole;
import cn.egov.manager.broker.ConnectRefusal;
import cn.egov.manager.broker.Verdict;
import cn.egov.rules.unit.UnitCode;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker's certificate check, with real certificates of the CA and of a rogue CA (openssl). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CertificateClientAuthenticatorTest {

    @TempDir
    static Path dir;
    ProvincialCa ca;
    CertificateClientAuthenticator auth;

    @BeforeAll
    void create() throws Exception {
        ca = ProvincialCa.create(dir.resolve("ca"), "auth test".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"));
        auth = new CertificateClientAuthenticator(ca);
    }

    @AfterAll
    void close() throws Exception {
        ca.close();
    }

    @Test
    void aBoxGetsInAsItsUnitCodeOnlyWithItsOwnClientId() throws Exception {
        X509Certificate box = ca.issueBox(KeyPairs.p256().getPublic(), UnitCode.parse("130602-001"), "slj.bd.gov.cn");
        assertEquals(Verdict.accept(ClientRole.BOX, "130602-001"), auth.authenticate(creds("130602-001", box)));
        assertEquals(ConnectRefusal.CLIENT_ID_MISMATCH, refused(auth.authenticate(creds("130602-002", box))));
        assertTrue(auth.refusal(creds("130602-002", box)).contains("differs from the certificate's unit code 130602-001"));
        assertEquals(ConnectRefusal.ANONYMOUS, refused(auth.authenticate(new ClientCredentials("130602-001", null, null, List.of()))));
    }

    /** The CA's signature is verified once per certificate; the revocation register is asked every time (below). */
    @Test
    void aCertificateSignatureIsVerifiedOnce() throws Exception {
        CertificateClientAuthenticator fresh = new CertificateClientAuthenticator(ca);
        X509Certificate box = ca.issueBox(KeyPairs.p256().getPublic(), UnitCode.parse("130602-007"), null);
        for (int i = 0; i < 3; i++) {
            assertEquals(Verdict.accept(ClientRole.BOX, "130602-007"), fresh.authenticate(creds("130602-007", box)));
        }
        assertEquals(1, fresh.signatureChecks());
        X509Certificate renewed = ca.issueBox(KeyPairs.p256().getPublic(), UnitCode.parse("130602-007"), null);
        assertEquals(Verdict.accept(ClientRole.BOX, "130602-007"), fresh.authenticate(creds("130602-007", renewed)));
        assertEquals(2, fresh.signatureChecks(), "another certificate of the same unit is verified itself");
        ca.revoke(box.getSerialNumber(), RevocationReason.superseded);
        assertTrue(fresh.refusal(creds("130602-007", box)).contains("REVOKED (superseded)"), "a verified signature does not skip the revocation check");
    }

    @Test
    void revokedAtTheNextConnection() throws Exception {
        X509Certificate box = ca.issueBox(KeyPairs.p256().getPublic(), UnitCode.parse("130602-005"), null);
        assertEquals(Verdict.accept(ClientRole.BOX, "130602-005"), auth.authenticate(creds("130602-005", box)));
        ca.revoke(box.getSerialNumber(), RevocationReason.keyCompromise);
        assertEquals(ConnectRefusal.BAD_CREDENTIALS, refused(auth.authenticate(creds("130602-005", box))));
        assertTrue(auth.refusal(creds("130602-005", box)).contains("REVOKED (keyCompromise)"));
    }

    @Test
    void otherCasAndNonBoxCertificatesAreRefused() throws Exception {
        Commands.run(dir, "bash", "-c", "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout r.key"
                + " -subj /CN=130602-001 -addext subjectAltName=URI:urn:egov:unit:130602-001 -days 5 -out rogue.pem").expectOk();
        X509Certificate rogue = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(dir.resolve("rogue.pem"))));
        assertEquals(ConnectRefusal.BAD_CREDENTIALS, refused(auth.authenticate(creds("130602-001", rogue))));
        assertTrue(auth.refusal(creds("130602-001", rogue)).contains("not a valid certificate of the provincial issuing CA"));

        X509Certificate hub = ca.issueHub(KeyPairs.p256().getPublic(), "130602-001", List.of("hub.example"), List.of());
        assertEquals(ConnectRefusal.BAD_CREDENTIALS, refused(auth.authenticate(creds("130602-001", hub))), "a hub certificate with a unit-like CN is no box");
    }

    private static ConnectRefusal refused(Verdict v) {
        return v instanceof Verdict.Refused r ? r.reason() : null;
    }

    private static ClientCredentials creds(String clientId, X509Certificate cert) {
        return new ClientCredentials(clientId, null, null, List.of(cert));
    }
}
