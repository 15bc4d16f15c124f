package cn.egov.manager.ca;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * OCSP responder (RFC 6960) answering from the CA's register. Each CA signs the responses
 * about its own certificates (no delegated responder certificate to manage); a request nonce
 * is echoed. Requests for another issuer get status "unknown".
 */
public final class OcspResponder {

    /** An OCSP request holds a few certificate ids; anything larger is not a request we answer. */
    public static final int MAX_REQUEST_BYTES = 16 * 1024;

    private final ProvincialCa ca;
    private final DigestCalculatorProvider digests;

    public OcspResponder(ProvincialCa ca) {
        this.ca = ca;
        try {
            this.digests = new JcaDigestCalculatorProviderBuilder().setProvider(BouncyCastle.PROVIDER).build();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Answers one DER-encoded OCSPRequest with a DER-encoded OCSPResponse (never throws for bad input). */
    public byte[] respond(byte[] requestDer) {
        try {
            if (requestDer == null || requestDer.length == 0 || requestDer.length > MAX_REQUEST_BYTES) {
                return status(OCSPRespBuilder.MALFORMED_REQUEST);
            }
            OCSPReq req;
            try {
                req = new OCSPReq(requestDer);
            } catch (IOException | RuntimeException e) {
                return status(OCSPRespBuilder.MALFORMED_REQUEST);
            }
            Req[] list = req.getRequestList();
            if (list.length == 0) {
                return status(OCSPRespBuilder.MALFORMED_REQUEST);
            }
            CaKeys.CaKey signer = issuerOf(list[0].getCertID());
            X509CertificateHolder signerCert = new X509CertificateHolder(signer.certificate().getEncoded());
            BasicOCSPRespBuilder b = new BasicOCSPRespBuilder(signerCert.getSubjectPublicKeyInfo(),
                    digests.get(CertificateID.HASH_SHA1));
            Instant now = Instant.now();
            Date next = Date.from(now.plus(ca.settings().crlInterval()));
            for (Req r : list) {
                CertificateID id = r.getCertID();
                b.addResponse(id, statusOf(id, signerCert), Date.from(now), next);
            }
            Extension nonce = req.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
            if (nonce != null) {
                b.setResponseExtensions(new Extensions(nonce));
            }
            String alg = KeyPairs.isSm2(signer.certificate().getPublicKey()) ? CertificateSigner.SM2 : CertificateSigner.ECDSA;
            BasicOCSPResp basic = b.build(CertificateSigner.contentSigner(signer.key(), alg),
                    new X509CertificateHolder[]{signerCert}, Date.from(now));
            return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
        } catch (GeneralSecurityException | IOException | OCSPException | OperatorCreationException e) {
            return status(OCSPRespBuilder.INTERNAL_ERROR);
        }
    }

    private org.bouncycastle.cert.ocsp.CertificateStatus statusOf(CertificateID id, X509CertificateHolder issuer)
            throws OCSPException, GeneralSecurityException {
        if (!id.matchesIssuer(issuer, digests)) {
            return new UnknownStatus();
        }
        CertificateStatus s = ca.status(id.getSerialNumber());
        return switch (s.state()) {
            case GOOD -> org.bouncycastle.cert.ocsp.CertificateStatus.GOOD;
            case REVOKED -> new RevokedStatus(Date.from(s.revokedAt()), s.reason().code());
            case UNKNOWN -> new UnknownStatus();
        };
    }

    private CaKeys.CaKey issuerOf(CertificateID id) throws GeneralSecurityException, OCSPException {
        try {
            CaKeys.CaKey sm2 = ca.keys().sm2Signing();
            if (id.matchesIssuer(new X509CertificateHolder(sm2.certificate().getEncoded()), digests)) {
                return sm2;
            }
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        return ca.keys().issuing();
    }

    private static byte[] status(int code) {
        try {
            return new OCSPRespBuilder().build(code, null).getEncoded();
        } catch (IOException | OCSPException e) {
            throw new IllegalStateException(e);
        }
    }
}
