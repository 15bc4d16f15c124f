package cn.egov.exchange.cms;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.crypto.Signer;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.bouncycastle.operator.bc.BcContentSignerBuilder;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import java.security.cert.CertificateEncodingException;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * CMS SignedData (RFC 5652) with the content inside: ECDSA with SHA-256 for a P-256 signer; for
 * an SM2 signer SM3 with SM2 and the GM/T 0010 identifiers ({@link Gm#DATA} as the content type,
 * {@link Gm#SIGNED_DATA} as the ContentInfo type). The signer's chain travels in the message.
 */
public final class CmsSigner {

    private static final AlgorithmIdentifier ECDSA_SHA256 = new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
    private static final AlgorithmIdentifier SHA256 = new DefaultDigestAlgorithmIdentifierFinder().find(ECDSA_SHA256);
    private static final AlgorithmIdentifier SM3_SM2 = new DefaultSignatureAlgorithmIdentifierFinder().find("SM3withSM2");
    private static final AlgorithmIdentifier SM3 = new DefaultDigestAlgorithmIdentifierFinder().find(SM3_SM2);
    /**
     * SM3 with SM2 as the JCA provider's "SM3withSM2" signs: Bouncy Castle's {@link SM2Signer} with its default
     * signer id (1234567812345678, GM/T 0009) and a DER-encoded (r, s).
     */
    private static final BcContentSignerBuilder SM2_SIGNERS = new BcContentSignerBuilder(SM3_SM2, SM3) {
        @Override
        protected Signer createSigner(AlgorithmIdentifier signature, AlgorithmIdentifier digest) {
            return new SM2Signer();
        }
    };
    /** Domain parameters by named curve, one object each for the life of the process (see {@link #contentSigner}). */
    private static final Map<ASN1ObjectIdentifier, Optional<ECDomainParameters>> DOMAINS = new ConcurrentHashMap<>();

    private CmsSigner() {
    }

    public static byte[] sign(byte[] content, SigningKey signer) {
        try {
            boolean sm2 = signer.sm2();
            // the signature (over the small signed attributes) from Bouncy Castle (contentSigner); the content's
            // digest, SHA-256 over the whole document, from the JDK (the CPU's SHA instructions), SM3 from Bouncy
            // Castle (the JDK has none)
            JcaDigestCalculatorProviderBuilder db = new JcaDigestCalculatorProviderBuilder();
            if (sm2) {
                db.setProvider(BcProvider.get());
            }
            ContentSigner cs = contentSigner(signer, sm2);
            CMSSignedDataGenerator g = new CMSSignedDataGenerator();
            g.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(db.build()).build(cs, signer.certificate()));
            g.addCertificates(new JcaCertStore(signer.chain()));
            CMSSignedData sd = g.generate(new CMSProcessableByteArray(sm2 ? Gm.DATA : CMSObjectIdentifiers.data, content), true);
            ContentInfo info = sm2 ? new ContentInfo(Gm.SIGNED_DATA, sd.toASN1Structure().getContent()) : sd.toASN1Structure();
            return info.getEncoded(ASN1Encoding.DER);
        } catch (OperatorCreationException | CMSException | CertificateEncodingException | IOException e) {
            throw new IllegalStateException("cannot sign with " + signer.certificate().getSubjectX500Principal() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The signer of the signed attributes, from Bouncy Castle: its P-256 ECDSA signs about 6 times faster here
     * than the JDK 17's. An EC key on a named curve signs through Bouncy Castle's lightweight ECDSA with the
     * curve's domain parameters kept once per process ({@link #DOMAINS}): its signer multiplies the base point
     * with a table of precomputed multiples that Bouncy Castle keeps on that point object. Through the JCA
     * provider every signature got a base point object of its own (the key's parameters are converted at each
     * initSign), so the table, more than half of a receipt's signing time, was computed again for each one.
     * The same for SM2 ({@link #SM2_SIGNERS}); keys that do not reveal their scalar go through the JCA provider.
     */
    private static ContentSigner contentSigner(SigningKey signer, boolean sm2) throws OperatorCreationException {
        ECDomainParameters domain = domain(signer.certificate());
        if (domain != null && signer.key() instanceof ECPrivateKey ec && ec.getS() != null) {
            ECPrivateKeyParameters key = new ECPrivateKeyParameters(ec.getS(), domain);
            return sm2 ? SM2_SIGNERS.build(key) : new BcECContentSignerBuilder(ECDSA_SHA256, SHA256).build(key);
        }
        return new JcaContentSignerBuilder(sm2 ? "SM3withSM2" : "SHA256withECDSA").setProvider(BcProvider.get()).build(bcKey(signer.key()));
    }

    /** The named curve of the certificate's EC key, or null: not an EC key on a named curve Bouncy Castle knows. */
    private static ECDomainParameters domain(X509Certificate certificate) {
        AlgorithmIdentifier key = SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded()).getAlgorithm();
        if (!X9ObjectIdentifiers.id_ecPublicKey.equals(key.getAlgorithm()) || !(key.getParameters() instanceof ASN1ObjectIdentifier curve)) {
            return null;
        }
        return DOMAINS.computeIfAbsent(curve, c -> {
            X9ECParameters x9 = CustomNamedCurves.getByOID(c); // the curves with fast field arithmetic (P-256 among them)
            if (x9 == null) {
                x9 = ECNamedCurveTable.getByOID(c);
            }
            return Optional.ofNullable(x9).map(p -> new ECNamedDomainParameters(c, p));
        }).orElse(null);
    }

    /**
     * The key as Bouncy Castle's own, on its named curve (the JCA path: a curve Bouncy Castle does not know by
     * name, or a key that is no {@link ECPrivateKey}).
     */
    private static PrivateKey bcKey(PrivateKey key) {
        if (key instanceof org.bouncycastle.jce.interfaces.ECPrivateKey || !"EC".equals(key.getAlgorithm()) || key.getEncoded() == null) {
            return key;
        }
        try {
            return KeyFactory.getInstance("EC", BcProvider.get()).generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            return key; // signs all the same, only slower
        }
    }
}
