package cn.egov.exchange.cms;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
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

    private CmsSigner() {
    }

    public static byte[] sign(byte[] content, SigningKey signer) {
        try {
            boolean sm2 = signer.sm2();
            // the signature (over the small signed attributes) from Bouncy Castle: its P-256 ECDSA signs about
            // 6 times faster here than the JDK 17's; the content's digest, SHA-256 over the whole document,
            // from the JDK (the CPU's SHA instructions), SM3 from Bouncy Castle (the JDK has none)
            JcaContentSignerBuilder sb = new JcaContentSignerBuilder(sm2 ? "SM3withSM2" : "SHA256withECDSA").setProvider(BcProvider.get());
            JcaDigestCalculatorProviderBuilder db = new JcaDigestCalculatorProviderBuilder();
            if (sm2) {
                db.setProvider(BcProvider.get());
            }
            ContentSigner cs = sb.build(bcKey(signer.key()));
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
     * The key as Bouncy Castle's own, on its named curve: then its signer uses the curve's table of
     * multiples of the base point, computed once per process; given the JDK's key object it built that
     * table again for every signature.
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
