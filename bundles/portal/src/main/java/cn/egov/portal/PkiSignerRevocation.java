package cn.egov.portal;

import cn.egov.pki.BoxCertificates;
import cn.egov.pki.check.RevocationChecker;
import cn.egov.portal.mirror.SignerRevocation;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the PKI bundle (OCSP of the provincial CA, else its CRL) whether the snapshot signer is
 * revoked, as the signed policy does. Only REVOKED refuses; no answer is logged and passes.
 */
final class PkiSignerRevocation implements SignerRevocation {

    private static final Logger LOG = LoggerFactory.getLogger(PkiSignerRevocation.class);

    private final Supplier<BoxCertificates> certificates;

    PkiSignerRevocation(Supplier<BoxCertificates> certificates) {
        this.certificates = certificates;
    }

    @Override
    public Optional<String> revoked(X509Certificate signer) {
        BoxCertificates c = certificates.get();
        if (c == null) {
            LOG.warn("no PKI service: the portal signer's revocation is not checked");
            return Optional.empty();
        }
        RevocationChecker.Result r = c.checkPeer(signer);
        if (r.status() == RevocationChecker.Status.REVOKED) {
            return Optional.of(r.source() + ": " + r.detail());
        }
        if (r.status() == RevocationChecker.Status.UNKNOWN) {
            LOG.warn("portal signer {}: revocation unknown ({}: {}); accepted on its verified chain",
                    signer.getSubjectX500Principal().getName(), r.source(), r.detail());
        }
        return Optional.empty();
    }
}
