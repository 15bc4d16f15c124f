package cn.egov.exchange.cms;

import cn.egov.exchange.model.DocumentRefused;
import cn.egov.rules.unit.UnitCode;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.DefaultCMSSignatureAlgorithmNameGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.util.Selector;

/**
 * Verifies a {@link CmsSigner} message: one signer, its signature, its chain to a provincial root,
 * a signing certificate (nonRepudiation) that names the unit expected. Each failure is one
 * {@link DocumentRefused} line under the field the caller names ({@code document}, {@code receipt}).
 */
public final class CmsVerifier {

    /**
     * The content's digest: SHA-256 from the JDK, which uses the CPU's SHA instructions (a megabyte
     * document is hashed here; Bouncy Castle's pure-Java SHA-256 was the most costly step); SM3 only
     * Bouncy Castle has.
     */
    private static final DigestCalculatorProvider JDK_DIGESTS;
    private static final DigestCalculatorProvider BC_DIGESTS;

    static {
        try {
            JDK_DIGESTS = new JcaDigestCalculatorProviderBuilder().build();
            BC_DIGESTS = new JcaDigestCalculatorProviderBuilder().setProvider(BcProvider.get()).build();
        } catch (OperatorCreationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Signers whose verifiers are kept: the same few unit certificates sign every document and receipt. */
    static final int REMEMBERED_SIGNERS = 1024;

    private final TrustAnchors trust;
    /**
     * A verifier per signer certificate, kept: Bouncy Castle keeps the precomputed multiples of the
     * public key's point with the key, so a kept key verifies about twice as fast as a new one.
     */
    private final Map<X509Certificate, ContentVerifierProvider> verifiers = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<X509Certificate, ContentVerifierProvider> eldest) {
            return size() > REMEMBERED_SIGNERS;
        }
    };

    public CmsVerifier(TrustAnchors trust) {
        this.trust = trust;
    }

    /** The signed content and who signed it. */
    public record Verified(byte[] content, X509Certificate signer, UnitCode unit, boolean sm2) {
    }

    /**
     * @param field    what the message is, for errors
     * @param expected the unit that must have signed, or null for any unit
     */
    public Verified verify(byte[] der, String field, UnitCode expected) {
        CMSSignedData sd;
        ContentInfo info;
        try {
            info = ContentInfo.getInstance(ASN1Primitive.fromByteArray(der));
            if (!CMSObjectIdentifiers.signedData.equals(info.getContentType()) && !Gm.SIGNED_DATA.equals(info.getContentType())) {
                throw new DocumentRefused(field, "is not CMS SignedData (content type " + info.getContentType() + ")");
            }
            sd = new CMSSignedData(info);
        } catch (IOException | CMSException | IllegalArgumentException | ClassCastException e) {
            throw new DocumentRefused(field, "is not a readable CMS SignedData message (damaged or truncated): " + e.getMessage());
        }
        boolean gmContent = Gm.DATA.equals(sd.getSignedContentTypeOID() == null ? null
                : new org.bouncycastle.asn1.ASN1ObjectIdentifier(sd.getSignedContentTypeOID()));
        if (sd.getSignedContent() == null) {
            throw new DocumentRefused(field, "carries no content (detached signatures are not accepted)");
        }
        Collection<SignerInformation> signers = sd.getSignerInfos().getSigners();
        if (signers.size() != 1) {
            throw new DocumentRefused(field, "has " + signers.size() + " signers; exactly one is expected");
        }
        SignerInformation si = signers.iterator().next();
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = sd.getCertificates().getMatches((Selector<X509CertificateHolder>) si.getSID());
        if (matches.isEmpty()) {
            throw new DocumentRefused(field, "does not carry its signer's certificate");
        }
        X509Certificate signer;
        List<X509Certificate> all = new ArrayList<>();
        try {
            JcaX509CertificateConverter conv = new JcaX509CertificateConverter().setProvider(BcProvider.get());
            signer = conv.getCertificate(matches.iterator().next());
            @SuppressWarnings("unchecked")
            Collection<X509CertificateHolder> holders = sd.getCertificates().getMatches(null);
            for (X509CertificateHolder h : holders) {
                all.add(conv.getCertificate(h));
            }
        } catch (CertificateException e) {
            throw new DocumentRefused(field, "carries a certificate that cannot be read: " + e.getMessage());
        }
        boolean sm2 = SigningKey.isSm2(signer);
        if (sm2 != gmContent) {
            throw new DocumentRefused(field, sm2 ? "is signed with SM2 but does not use the GM/T 0010 content type"
                    : "uses the GM/T 0010 content type but its signer's key is not SM2");
        }
        try {
            // the signature over the signed attributes from Bouncy Castle, ECDSA as well as SM2: its P-256
            // verification is about 7 times faster here than the JDK 17's (0.12 against 0.83 ms, measured for
            // bench/RESULTS.md "xch"), and every document and receipt is verified once or twice on its way
            SignerInformationVerifier verifier = new SignerInformationVerifier(new DefaultCMSSignatureAlgorithmNameGenerator(),
                    new DefaultSignatureAlgorithmIdentifierFinder(),
                    verifierFor(signer), sm2 ? BC_DIGESTS : JDK_DIGESTS);
            if (!si.verify(verifier)) {
                throw new DocumentRefused(field, "signature does not verify (changed after signing, or forged)");
            }
        } catch (CMSException | OperatorCreationException e) {
            throw new DocumentRefused(field, "signature does not verify (changed after signing, or forged): " + e.getMessage());
        }
        try {
            trust.validate(signer, all);
        } catch (GeneralSecurityException e) {
            throw new DocumentRefused(field, "signer " + signer.getSubjectX500Principal().getName()
                    + " is not certified by the provincial CA: " + e.getMessage());
        }
        if (!UnitCertificates.canSign(signer)) {
            throw new DocumentRefused(field, "signer certificate is not a document-signing certificate (no nonRepudiation key usage)");
        }
        UnitCode unit = UnitCertificates.unitOf(signer, UnitCertificates.SIGNING_OU).orElseThrow(() ->
                new DocumentRefused(field, "signer certificate " + signer.getSubjectX500Principal().getName()
                        + " is not a unit's document-signing certificate (CN=<unit code>, OU=" + UnitCertificates.SIGNING_OU + ")"));
        if (expected != null && !expected.equals(unit)) {
            throw new DocumentRefused(field, "is signed by unit " + unit + ", not by " + expected);
        }
        return new Verified((byte[]) sd.getSignedContent().getContent(), signer, unit, sm2);
    }

    private ContentVerifierProvider verifierFor(X509Certificate signer) throws OperatorCreationException {
        synchronized (verifiers) {
            ContentVerifierProvider known = verifiers.get(signer);
            if (known != null) {
                return known;
            }
        }
        ContentVerifierProvider made = new JcaContentVerifierProviderBuilder().setProvider(BcProvider.get()).build(signer);
        synchronized (verifiers) {
            verifiers.put(signer, made);
        }
        return made;
    }
}
