package cn.egov.pki.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.pki.BoxCertificates;
import cn.egov.pki.est.EstClientErrorsTest;
import cn.egov.pki.store.BoxCredentials;
import cn.egov.pki.store.BoxKeyStore;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Only a definite REVOKED from the PKI service refuses a signer; no service or no answer passes. */
class SignerRevocationCheckTest {

    private static BoxCertificates answering(RevocationChecker.Status status) {
        return new BoxCertificates() {
            @Override
            public Optional<BoxCredentials> current() {
                return Optional.empty();
            }

            @Override
            public RevocationChecker.Result checkPeer(X509Certificate peer) {
                return new RevocationChecker.Result(status, "ocsp", status == RevocationChecker.Status.REVOKED
                        ? "revoked at 2026-11-27T10:00:00Z (keyCompromise)" : "responder unreachable");
            }
        };
    }

    @Test
    void onlyRevokedRefuses() throws Exception {
        X509Certificate signer = EstClientErrorsTest.selfSigned(BoxKeyStore.newKeyPair(), "CN=policy signer"); // any certificate: the fake service decides
        Optional<String> revoked = new SignerRevocationCheck("policy signer", () -> answering(RevocationChecker.Status.REVOKED)).revoked(signer);
        assertTrue(revoked.isPresent() && revoked.get().contains("ocsp: revoked at"), revoked.toString());
        assertEquals(Optional.empty(), new SignerRevocationCheck("policy signer", () -> answering(RevocationChecker.Status.GOOD)).revoked(signer));
        assertEquals(Optional.empty(), new SignerRevocationCheck("policy signer", () -> answering(RevocationChecker.Status.UNKNOWN)).revoked(signer));
        assertEquals(Optional.empty(), new SignerRevocationCheck("policy signer", () -> null).revoked(signer), "no PKI service yet");
    }
}
