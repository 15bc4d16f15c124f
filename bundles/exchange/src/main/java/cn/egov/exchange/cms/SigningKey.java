package cn.egov.exchange.cms;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * A unit's signing key and its certificate chain (the unit's certificate first, then its issuers,
 * without the provincial root the receiver already trusts).
 */
public record SigningKey(PrivateKey key, List<X509Certificate> chain) {

    public SigningKey {
        if (key == null || chain == null || chain.isEmpty()) {
            throw new IllegalArgumentException("a signing key needs its private key and at least its own certificate");
        }
        chain = List.copyOf(chain);
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** True when the certificate's key is on the SM2 curve: then the document is signed per GM/T 0010 (SM3 with SM2). */
    public boolean sm2() {
        return isSm2(certificate());
    }

    static boolean isSm2(X509Certificate cert) {
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(cert.getPublicKey().getEncoded());
        return Gm.SM2_CURVE.equals(spki.getAlgorithm().getParameters());
    }

    /** The digest the signer uses, also for the part digests of its documents and receipts. */
    public DigestAlgorithm digest() {
        return sm2() ? DigestAlgorithm.SM3 : DigestAlgorithm.SHA256;
    }
}
