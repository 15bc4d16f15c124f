package cn.egov.exchange;

import cn.egov.exchange.cms.BcProvider;
import cn.egov.exchange.cms.DecryptionKey;
import cn.egov.exchange.cms.SigningKey;
import cn.egov.exchange.cms.UnitCertificates;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small provincial CA for tests, shaped like the manager's: a P-256 root, a P-256 issuing CA and
 * an SM2 signing CA (certified by the root), and unit certificates named as the manager's CA names
 * them ({@code CN=<unit>, OU=document-signing|document-encryption}).
 */
public final class TestPki {

    public final KeyPair rootKeys;
    public final X509Certificate root;
    public final KeyPair issuingKeys;
    public final X509Certificate issuing;
    public final KeyPair sm2CaKeys;
    public final X509Certificate sm2Ca;
    private static final SecureRandom RANDOM = new SecureRandom();

    public TestPki(String name) throws Exception {
        rootKeys = p256();
        X500Name rootName = new X500Name("C=CN,O=" + name + ",CN=" + name + " root");
        root = ca(rootName, rootName, rootKeys.getPublic(), rootKeys.getPrivate(), "SHA256withECDSA");
        issuingKeys = p256();
        issuing = ca(new X500Name("C=CN,O=" + name + ",CN=" + name + " issuing"), rootName, issuingKeys.getPublic(),
                rootKeys.getPrivate(), "SHA256withECDSA");
        sm2CaKeys = sm2();
        sm2Ca = ca(new X500Name("C=CN,O=" + name + ",CN=" + name + " SM2 signing"), rootName, sm2CaKeys.getPublic(),
                rootKeys.getPrivate(), "SHA256withECDSA");
    }

    public static KeyPair p256() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    public static KeyPair sm2() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BcProvider.get());
        g.initialize(new ECGenParameterSpec("sm2p256v1"));
        return g.generateKeyPair();
    }

    /** A P-256 signing key of a unit. */
    public SigningKey signing(UnitCode unit) throws Exception {
        KeyPair k = p256();
        return new SigningKey(k.getPrivate(), List.of(leaf(unit, UnitCertificates.SIGNING_OU, k.getPublic(), issuing, issuingKeys.getPrivate(),
                "SHA256withECDSA", KeyUsage.digitalSignature | KeyUsage.nonRepudiation), issuing));
    }

    /** An SM2 signing key of a unit, certified SM3withSM2 by the SM2 signing CA. */
    public SigningKey sm2Signing(UnitCode unit) throws Exception {
        KeyPair k = sm2();
        return new SigningKey(k.getPrivate(), List.of(leaf(unit, UnitCertificates.SIGNING_OU, k.getPublic(), sm2Ca, sm2CaKeys.getPrivate(),
                "SM3withSM2", KeyUsage.digitalSignature | KeyUsage.nonRepudiation), sm2Ca));
    }

    public DecryptionKey encryption(UnitCode unit) throws Exception {
        return encryption(unit, Instant.now().minus(Duration.ofMinutes(5)));
    }

    /** An encryption key of a unit whose certificate is valid from {@code notBefore} (keys enrolled later, by a new box). */
    public DecryptionKey encryption(UnitCode unit, Instant notBefore) throws Exception {
        KeyPair k = p256();
        return new DecryptionKey(k.getPrivate(), leaf(unit, UnitCertificates.ENCRYPTION_OU, k.getPublic(), issuing, issuingKeys.getPrivate(),
                "SHA256withECDSA", KeyUsage.keyAgreement, notBefore));
    }

    /** A box-style certificate (OU = county, digitalSignature only): must not be accepted as a document signer. */
    public SigningKey tlsOnly(UnitCode unit) throws Exception {
        KeyPair k = p256();
        return new SigningKey(k.getPrivate(), List.of(leaf(unit, unit.countyCode(), k.getPublic(), issuing, issuingKeys.getPrivate(),
                "SHA256withECDSA", KeyUsage.digitalSignature), issuing));
    }

    /** A certificate with nonRepudiation but a box's subject (OU = county): not a document-signing certificate either. */
    public SigningKey boxNamed(UnitCode unit) throws Exception {
        KeyPair k = p256();
        return new SigningKey(k.getPrivate(), List.of(leaf(unit, unit.countyCode(), k.getPublic(), issuing, issuingKeys.getPrivate(),
                "SHA256withECDSA", KeyUsage.digitalSignature | KeyUsage.nonRepudiation), issuing));
    }

    private X509Certificate ca(X500Name subject, X500Name issuer, PublicKey key, PrivateKey signer, String alg) throws Exception {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(3650))), subject, key);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new JcaX509CertificateConverter().setProvider(BcProvider.get())
                .getCertificate(b.build(new JcaContentSignerBuilder(alg).setProvider(BcProvider.get()).build(signer)));
    }

    private static X509Certificate leaf(UnitCode unit, String ou, PublicKey key, X509Certificate issuer, PrivateKey issuerKey,
                                        String alg, int keyUsage) throws Exception {
        return leaf(unit, ou, key, issuer, issuerKey, alg, keyUsage, Instant.now().minus(Duration.ofMinutes(5)));
    }

    private static X509Certificate leaf(UnitCode unit, String ou, PublicKey key, X509Certificate issuer, PrivateKey issuerKey,
                                        String alg, int keyUsage, Instant notBefore) throws Exception {
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()),
                new BigInteger(64, RANDOM).add(BigInteger.ONE), Date.from(notBefore),
                Date.from(notBefore.plus(Duration.ofDays(365))), new X500Name("C=CN,O=test,OU=" + ou + ",CN=" + unit), key);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
        return new JcaX509CertificateConverter().setProvider(BcProvider.get())
                .getCertificate(b.build(new JcaContentSignerBuilder(alg).setProvider(BcProvider.get()).build(issuerKey)));
    }

    public static void pem(Path file, Object... objects) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            for (Object o : objects) {
                // PKCS#8 for keys: openssl cannot read the JDK's SEC1 form without the curve's name
                w.writeObject(o instanceof PrivateKey k ? new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", k.getEncoded()) : o);
            }
        }
        Files.writeString(file, s.toString());
    }
}
