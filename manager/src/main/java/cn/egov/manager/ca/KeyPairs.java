package cn.egov.manager.ca;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/** Key pair generation for the two curves the CA issues for. */
public final class KeyPairs {
    public static final String P256 = "secp256r1";
    public static final String SM2 = "sm2p256v1";

    private KeyPairs() {
    }

    /** ECDSA P-256: boxes, hubs, TLS servers, the CA hierarchy. */
    public static KeyPair p256() throws GeneralSecurityException {
        // the JDK's own provider, so that the keys also work in JSSE (TLS) key managers
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(P256));
        return g.generateKeyPair();
    }

    /** SM2 (GB/T 32918) for document signing. */
    public static KeyPair sm2() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BouncyCastle.PROVIDER);
        g.initialize(new ECGenParameterSpec(SM2));
        return g.generateKeyPair();
    }

    /** True when the key is an EC key on NIST P-256 (secp256r1). */
    public static boolean isP256(java.security.PublicKey key) {
        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo spki = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(key.getEncoded());
        return org.bouncycastle.asn1.x9.X9ObjectIdentifiers.id_ecPublicKey.equals(spki.getAlgorithm().getAlgorithm())
                && org.bouncycastle.asn1.x9.X9ObjectIdentifiers.prime256v1.equals(spki.getAlgorithm().getParameters());
    }

    /** True when the key is on the SM2 curve. */
    public static boolean isSm2(java.security.PublicKey key) {
        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo spki = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(key.getEncoded());
        return org.bouncycastle.asn1.gm.GMObjectIdentifiers.sm2p256v1.equals(spki.getAlgorithm().getParameters());
    }
}
