package cn.egov.pki.check;

import cn.egov.pki.BoxCertificates;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the PKI service (OCSP of the provincial CA, else its CRL) whether the signer of something the box received
 * (a policy bundle, a portal snapshot) is revoked. Only a definite REVOKED refuses: the signature and chain were
 * verified before, so no service yet or no answer is logged and passes, and the box keeps working offline.
 */
public final class SignerRevocationCheck {

    private static final Logger LOG = LoggerFactory.getLogger(SignerRevocationCheck.class);

    private final String signer;
    private final Supplier<BoxCertificates> certificates;

    /**
     * @param signer       what the signer signs, for the log ("policy signer", "portal signer")
     * @param certificates the PKI service, or null while there is none
     */
    public SignerRevocationCheck(String signer, Supplier<BoxCertificates> certificates) {
        this.signer = signer;
        this.certificates = certificates;
    }

    /** Why {@code certificate} is refused (the source and the revocation), or empty when it may be used. */
    public Optional<String> revoked(X509Certificate certificate) {
        BoxCertificates c = certificates.get();
        if (c == null) {
            LOG.warn("no PKI service: the {}'s revocation is not checked", signer);
            return Optional.empty();
        }
        RevocationChecker.Result r = c.checkPeer(certificate);
        if (r.status() == RevocationChecker.Status.REVOKED) {
            return Optional.of(r.source() + ": " + r.detail());
        }
        if (r.status() == RevocationChecker.Status.UNKNOWN) {
            LOG.warn("{} {}: revocation unknown ({}: {}); accepted on its verified chain",
                    signer, certificate.getSubjectX500Principal().getName(), r.source(), r.detail());
        }
        return Optional.empty();
    }
}
