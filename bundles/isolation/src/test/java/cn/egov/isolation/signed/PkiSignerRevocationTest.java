package cn.egov.isolation.signed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.manager.ca.CaSettings;
import cn.egov.manager.ca.ProvincialCa;
import cn.egov.pki.BoxCertificates;
import cn.egov.pki.check.RevocationChecker;
import cn.egov.pki.store.BoxCredentials;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only a definite REVOKED from the PKI service refuses a signer; no service or no answer passes. */
class PkiSignerRevocationTest {

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
    void onlyRevokedRefuses(@TempDir Path dir) throws Exception {
        X509Certificate signer;
        try (ProvincialCa ca = ProvincialCa.create(dir.resolve("ca"), "t".toCharArray(), CaSettings.defaults("http://127.0.0.1:1"))) {
            signer = ca.issuingCertificate(); // any certificate: the fake service decides
        }
        Optional<String> revoked = new PkiSignerRevocation(() -> answering(RevocationChecker.Status.REVOKED)).revoked(signer, null);
        assertTrue(revoked.isPresent() && revoked.get().contains("ocsp: revoked at"), revoked.toString());
        assertEquals(Optional.empty(), new PkiSignerRevocation(() -> answering(RevocationChecker.Status.GOOD)).revoked(signer, null));
        assertEquals(Optional.empty(), new PkiSignerRevocation(() -> answering(RevocationChecker.Status.UNKNOWN)).revoked(signer, null));
        assertEquals(Optional.empty(), new PkiSignerRevocation(() -> null).revoked(signer, null), "no PKI service yet");
    }
}
