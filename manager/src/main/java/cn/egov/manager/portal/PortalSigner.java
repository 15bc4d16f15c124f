package cn.egov.manager.portal;

import cn.egov.api.portal.PortalManifest;
import cn.egov.api.portal.SignedSnapshot;
import cn.egov.manager.ca.KeyPairs;
import cn.egov.manager.ca.ProvincialCa;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The key that signs site snapshots and its chain (portal signer, issuing CA), issued by the
 * provincial CA under {@code PORTAL_SIGNING}. A fresh key at each start, kept in memory only:
 * boxes trust the profile through the chain, not a particular key, and a key that never touches
 * the disk cannot leak from it. To stop a key: {@code manager ca revoke}, then restart.
 *
 * @param key   the P-256 private key
 * @param chain signer certificate, then the issuing CA
 */
record PortalSigner(PrivateKey key, List<X509Certificate> chain) {

    private static final String HOLDER = "portal snapshot signer";

    PortalSigner {
        chain = List.copyOf(chain);
    }

    static PortalSigner issue(ProvincialCa ca) throws GeneralSecurityException {
        KeyPair pair = KeyPairs.p256();
        X509Certificate cert = ca.issuePortalSigning(pair.getPublic(), HOLDER);
        return new PortalSigner(pair.getPrivate(), List.of(cert, ca.issuingCertificate()));
    }

    SignedSnapshot sign(PortalManifest manifest) throws GeneralSecurityException {
        return SignedSnapshot.sign(manifest, key, chain);
    }
}
