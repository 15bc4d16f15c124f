package cn.egov.pki.check;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Revocation checks of the peers the box talks to (the backbone hub, the manager's servers):
 * OCSP (RFC 6960) at the URL in the peer's certificate, falling back to the CRL at its
 * distribution point. Every answer is verified against the issuer before it is believed; a
 * check that gets no verified answer says UNKNOWN, and the caller fails closed.
 */
public final class RevocationChecker {

    public enum Status { GOOD, REVOKED, UNKNOWN }

    /** @param source "ocsp", "crl" or "none"; @param detail why, for logs and alarms */
    public record Result(Status status, String source, String detail) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_ANSWER_BYTES = 4 * 1024 * 1024;
    /** Tolerated clock difference for thisUpdate/nextUpdate. */
    private static final Duration SKEW = Duration.ofMinutes(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final SecureRandom random = new SecureRandom();

    /** OCSP first, then the CRL. */
    public Result check(X509Certificate peer, X509Certificate issuer) {
        Result ocsp = checkOcsp(peer, issuer);
        if (ocsp.status() != Status.UNKNOWN) {
            return ocsp;
        }
        Result crl = checkCrl(peer, issuer);
        return crl.status() != Status.UNKNOWN ? crl
                : new Result(Status.UNKNOWN, "none", "OCSP: " + ocsp.detail() + "; CRL: " + crl.detail());
    }

    public Result checkOcsp(X509Certificate peer, X509Certificate issuer) {
        Optional<URI> url = ocspUrl(peer);
        if (url.isEmpty()) {
            return new Result(Status.UNKNOWN, "ocsp", "certificate names no OCSP responder");
        }
        try {
            CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                    new JcaX509CertificateHolder(issuer), peer.getSerialNumber());
            byte[] nonce = new byte[16];
            random.nextBytes(nonce);
            OCSPReq req = new OCSPReqBuilder().addRequest(id).setRequestExtensions(new Extensions(
                    new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false, new DEROctetString(new DEROctetString(nonce).getEncoded())))).build();
            byte[] answer = post(url.get(), req.getEncoded());
            OCSPResp resp = new OCSPResp(answer);
            if (resp.getStatus() != 0) {
                return new Result(Status.UNKNOWN, "ocsp", "responder answered status " + resp.getStatus());
            }
            BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
            if (!verifiedByIssuer(basic, issuer)) {
                return new Result(Status.UNKNOWN, "ocsp", "response is not signed by the issuer or its OCSP signer");
            }
            Extension echoed = basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
            if (echoed == null || !java.util.Arrays.equals(echoed.getExtnValue().getOctets(), new DEROctetString(nonce).getEncoded())) {
                return new Result(Status.UNKNOWN, "ocsp", "response does not echo our nonce (replay?)");
            }
            for (SingleResp r : basic.getResponses()) {
                if (!r.getCertID().equals(id)) {
                    continue;
                }
                Instant now = Instant.now();
                if (r.getNextUpdate() != null && now.minus(SKEW).isAfter(r.getNextUpdate().toInstant())) {
                    return new Result(Status.UNKNOWN, "ocsp", "response is stale (nextUpdate " + r.getNextUpdate().toInstant() + ")");
                }
                Object s = r.getCertStatus();
                if (s == null) {
                    return new Result(Status.GOOD, "ocsp", "good");
                }
                if (s instanceof RevokedStatus rs) {
                    return new Result(Status.REVOKED, "ocsp", "revoked at " + rs.getRevocationTime().toInstant());
                }
                return new Result(Status.UNKNOWN, "ocsp", "responder does not know serial " + hex(peer.getSerialNumber()));
            }
            return new Result(Status.UNKNOWN, "ocsp", "response holds no answer for serial " + hex(peer.getSerialNumber()));
        } catch (Exception e) {
            return new Result(Status.UNKNOWN, "ocsp", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    public Result checkCrl(X509Certificate peer, X509Certificate issuer) {
        Optional<URI> url = crlUrl(peer);
        if (url.isEmpty()) {
            return new Result(Status.UNKNOWN, "crl", "certificate names no CRL distribution point");
        }
        try {
            X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(get(url.get())));
            return checkCrl(peer, issuer, crl);
        } catch (Exception e) {
            return new Result(Status.UNKNOWN, "crl", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Checks against a CRL the caller already has (e.g. a file); verifies it first. */
    public Result checkCrl(X509Certificate peer, X509Certificate issuer, X509CRL crl) {
        try {
            crl.verify(issuer.getPublicKey());
        } catch (GeneralSecurityException e) {
            return new Result(Status.UNKNOWN, "crl", "CRL is not signed by " + issuer.getSubjectX500Principal().getName());
        }
        if (crl.getNextUpdate() != null && Instant.now().minus(SKEW).isAfter(crl.getNextUpdate().toInstant())) {
            return new Result(Status.UNKNOWN, "crl", "CRL is stale (nextUpdate " + crl.getNextUpdate().toInstant() + ")");
        }
        var entry = crl.getRevokedCertificate(peer);
        return entry == null ? new Result(Status.GOOD, "crl", "not listed")
                : new Result(Status.REVOKED, "crl", "revoked at " + entry.getRevocationDate().toInstant());
    }

    private static boolean verifiedByIssuer(BasicOCSPResp basic, X509Certificate issuer) throws Exception {
        if (basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(issuer.getPublicKey()))) {
            return true;
        }
        // delegated responder: a certificate from the issuer with the OCSPSigning purpose
        for (X509CertificateHolder h : basic.getCerts()) {
            if (h.isSignatureValid(new JcaContentVerifierProviderBuilder().build(issuer.getPublicKey()))
                    && h.getExtensions() != null
                    && org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(h.getExtensions()) != null
                    && org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(h.getExtensions())
                    .hasKeyPurposeId(org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_OCSPSigning)
                    && basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(h))) {
                return true;
            }
        }
        return false;
    }

    static Optional<URI> ocspUrl(X509Certificate c) {
        byte[] ext = c.getExtensionValue(Extension.authorityInfoAccess.getId());
        if (ext == null) {
            return Optional.empty();
        }
        AuthorityInformationAccess aia = AuthorityInformationAccess.getInstance(
                org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets());
        for (AccessDescription d : aia.getAccessDescriptions()) {
            if (d.getAccessMethod().equals(AccessDescription.id_ad_ocsp)
                    && d.getAccessLocation().getTagNo() == GeneralName.uniformResourceIdentifier) {
                return Optional.of(URI.create(d.getAccessLocation().getName().toString()));
            }
        }
        return Optional.empty();
    }

    static Optional<URI> crlUrl(X509Certificate c) {
        byte[] ext = c.getExtensionValue(Extension.cRLDistributionPoints.getId());
        if (ext == null) {
            return Optional.empty();
        }
        CRLDistPoint dp = CRLDistPoint.getInstance(org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets());
        for (DistributionPoint p : dp.getDistributionPoints()) {
            if (p.getDistributionPoint() != null && p.getDistributionPoint().getName() instanceof GeneralNames gn) {
                for (GeneralName n : gn.getNames()) {
                    if (n.getTagNo() == GeneralName.uniformResourceIdentifier) {
                        return Optional.of(URI.create(n.getName().toString()));
                    }
                }
            }
        }
        return Optional.empty();
    }

    private byte[] post(URI url, byte[] body) throws IOException, InterruptedException {
        return answer(http.send(HttpRequest.newBuilder(url).timeout(TIMEOUT).header("Content-Type", "application/ocsp-request")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray()), url);
    }

    private byte[] get(URI url) throws IOException, InterruptedException {
        return answer(http.send(HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofByteArray()), url);
    }

    private static byte[] answer(HttpResponse<byte[]> r, URI url) throws IOException {
        if (r.statusCode() != 200) {
            throw new IOException(url + " answered HTTP " + r.statusCode());
        }
        if (r.body().length > MAX_ANSWER_BYTES) {
            throw new IOException(url + " answered more than " + MAX_ANSWER_BYTES + " bytes");
        }
        return r.body();
    }

    private static String hex(BigInteger serial) {
        return serial.toString(16).toUpperCase(java.util.Locale.ROOT);
    }
}
