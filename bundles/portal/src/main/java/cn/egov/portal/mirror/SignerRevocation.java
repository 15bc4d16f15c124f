package cn.egov.portal.mirror;

import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Whether the provincial CA has revoked a snapshot signer: a leaked portal-signing key must stop
 * counting before its certificate expires. No answer does not refuse: chain and signature are
 * verified already, and a box that cannot reach OCSP must still take a corrected site.
 */
@FunctionalInterface
public interface SignerRevocation {

    /** No revocation source (a box not enrolled yet, tests). */
    SignerRevocation NONE = signer -> Optional.empty();

    /** Why the signer is revoked, or empty when it is not known to be. */
    Optional<String> revoked(X509Certificate signer);
}
