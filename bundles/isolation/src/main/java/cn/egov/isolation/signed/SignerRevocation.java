package cn.egov.isolation.signed;

import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Whether the provincial CA has revoked a policy signer's certificate: a leaked or withdrawn
 * signing key must stop counting before its certificate expires.
 */
@FunctionalInterface
public interface SignerRevocation {

    /** No revocation source (a box that is not enrolled yet, or tests). */
    SignerRevocation NONE = (signer, issuer) -> Optional.empty();

    /**
     * @return why the signer is revoked, or empty when it is not known to be: good, or no answer.
     *         No answer does not refuse the bundle: its chain and signature are verified already,
     *         and a box that cannot reach OCSP must still be able to take a corrected policy.
     */
    Optional<String> revoked(X509Certificate signer, X509Certificate issuer);
}
