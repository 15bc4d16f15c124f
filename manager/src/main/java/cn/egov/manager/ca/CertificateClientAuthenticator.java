package cn.egov.manager.ca;

import cn.egov.manager.broker.ClientAuthenticator;
import cn.egov.manager.broker.ClientCredentials;
import cn.egov.manager.broker.ClientRole;
import cn.egov.manager.broker.ConnectRefusal;
import cn.egov.manager.broker.Verdict;
import cn.egov.rules.unit.UnitCode;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * The embedded broker's box authentication (the {@link ClientAuthenticator} seam): a box gets
 * in only with a TLS client certificate of the provincial issuing CA that is valid and not
 * revoked (asked of the CA's register at every connection, so a revocation takes effect at the
 * next connect without waiting for a CRL), whose unit code (CN and SAN URI) equals the MQTT
 * client id. The identity is that unit code; the broker's topic ACL then keeps the box to its
 * own topics. A refusal names the reason; the broker logs it once.
 *
 * <p>The CA's signature on a certificate is checked once per certificate and issuing key (an ECDSA
 * verification: the exchange's document server asks at every request, two per document); validity,
 * revocation and the unit are checked every time.
 */
public final class CertificateClientAuthenticator implements ClientAuthenticator {

    /** Certificates remembered as signed by the issuing CA: a province's boxes, each with a renewed certificate. */
    static final int SIGNED_REMEMBERED = 32_768;

    private final ProvincialCa ca;
    /** SHA-256 of a certificate's encoding -> the issuing key that verified its signature (least recently used out first). */
    private final Map<String, PublicKey> signed = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PublicKey> eldest) {
            return size() > SIGNED_REMEMBERED;
        }
    };
    private final LongAdder signatureChecks = new LongAdder();

    public CertificateClientAuthenticator(ProvincialCa ca) {
        this.ca = ca;
    }

    @Override
    public Verdict authenticate(ClientCredentials c) {
        List<X509Certificate> chain = c.peerChain();
        if (chain.isEmpty()) {
            return Verdict.refuse(ConnectRefusal.ANONYMOUS, "no TLS client certificate");
        }
        X509Certificate leaf = chain.get(0);
        try {
            verifySignature(leaf, ca.issuingCertificate().getPublicKey());
            leaf.checkValidity();
        } catch (GeneralSecurityException e) {
            return Verdict.refuse(ConnectRefusal.BAD_CREDENTIALS, "certificate " + leaf.getSubjectX500Principal().getName()
                    + " is not a valid certificate of the provincial issuing CA (" + e.getMessage() + ")");
        }
        CertificateStatus status;
        try {
            status = ca.status(leaf.getSerialNumber());
        } catch (GeneralSecurityException e) {
            return Verdict.refuse(ConnectRefusal.BAD_CREDENTIALS, "revocation status unavailable: " + e.getMessage());
        }
        if (status.state() != CertificateStatus.State.GOOD) {
            return Verdict.refuse(ConnectRefusal.BAD_CREDENTIALS, "certificate " + leaf.getSerialNumber().toString(16).toUpperCase()
                    + " is " + status.state() + (status.reason() == null ? "" : " (" + status.reason() + ")"));
        }
        String cn = CsrValidator.commonName(X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded()));
        if (cn == null || !UnitCode.isValid(cn) || !hasUnitUri(leaf, cn)) {
            return Verdict.refuse(ConnectRefusal.BAD_CREDENTIALS,
                    "certificate names no unit (CN '" + cn + "' with SAN URI " + CsrValidator.UNIT_URI_PREFIX + cn + ")");
        }
        if (!cn.equals(c.clientId())) {
            return Verdict.refuse(ConnectRefusal.CLIENT_ID_MISMATCH,
                    "client id '" + c.clientId() + "' differs from the certificate's unit code " + cn);
        }
        return Verdict.accept(ClientRole.BOX, cn);
    }

    /** Throws unless {@code issuer} signed {@code leaf}; a certificate it verified once is not verified again. */
    private void verifySignature(X509Certificate leaf, PublicKey issuer) throws GeneralSecurityException {
        String key = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded()));
        synchronized (signed) {
            if (issuer.equals(signed.get(key))) {
                return;
            }
        }
        signatureChecks.increment();
        leaf.verify(issuer);
        synchronized (signed) {
            signed.put(key, issuer);
        }
    }

    /** How many signatures were verified (not answered from those verified before). */
    long signatureChecks() {
        return signatureChecks.sum();
    }

    /** Why the client is refused, or null when it may connect. */
    String refusal(ClientCredentials c) {
        return authenticate(c) instanceof Verdict.Refused r ? r.detail() : null;
    }

    private static boolean hasUnitUri(X509Certificate c, String unit) {
        try {
            if (c.getSubjectAlternativeNames() == null) {
                return false;
            }
            return c.getSubjectAlternativeNames().stream()
                    .anyMatch(n -> Integer.valueOf(6).equals(n.get(0)) && (CsrValidator.UNIT_URI_PREFIX + unit).equals(n.get(1)));
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
