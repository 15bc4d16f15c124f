package cn.egov.manager.ca;

import cn.egov.manager.broker.ClientAuthenticator;
import cn.egov.manager.broker.ClientCredentials;
import cn.egov.rules.unit.UnitCode;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded broker's box authentication (the {@link ClientAuthenticator} seam): a box gets
 * in only with a TLS client certificate of the provincial issuing CA that is valid and not
 * revoked (asked of the CA's register at every connection, so a revocation takes effect at the
 * next connect without waiting for a CRL), whose unit code (CN and SAN URI) equals the MQTT
 * client id. The principal is that unit code; the broker's topic ACL then keeps the box to its
 * own topics.
 */
public final class CertificateClientAuthenticator implements ClientAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateClientAuthenticator.class);

    private final ProvincialCa ca;

    public CertificateClientAuthenticator(ProvincialCa ca) {
        this.ca = ca;
    }

    @Override
    public Optional<String> authenticate(ClientCredentials c) {
        String refusal = refusal(c);
        if (refusal != null) {
            LOG.warn("refused MQTT client '{}': {}", c.clientId(), refusal);
            return Optional.empty();
        }
        return Optional.of(c.clientId());
    }

    /** Why the client is refused, or null when it may connect. */
    String refusal(ClientCredentials c) {
        List<X509Certificate> chain = c.peerChain();
        if (chain.isEmpty()) {
            return "no TLS client certificate";
        }
        X509Certificate leaf = chain.get(0);
        try {
            leaf.verify(ca.issuingCertificate().getPublicKey());
            leaf.checkValidity();
        } catch (GeneralSecurityException e) {
            return "certificate " + leaf.getSubjectX500Principal().getName() + " is not a valid certificate of the provincial issuing CA ("
                    + e.getMessage() + ")";
        }
        CertificateStatus status;
        try {
            status = ca.status(leaf.getSerialNumber());
        } catch (GeneralSecurityException e) {
            return "revocation status unavailable: " + e.getMessage();
        }
        if (status.state() != CertificateStatus.State.GOOD) {
            return "certificate " + leaf.getSerialNumber().toString(16).toUpperCase() + " is " + status.state()
                    + (status.reason() == null ? "" : " (" + status.reason() + ")");
        }
        String cn = CsrValidator.commonName(X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded()));
        if (cn == null || !UnitCode.isValid(cn) || !hasUnitUri(leaf, cn)) {
            return "certificate names no unit (CN '" + cn + "' with SAN URI " + CsrValidator.UNIT_URI_PREFIX + cn + ")";
        }
        if (!cn.equals(c.clientId())) {
            return "client id '" + c.clientId() + "' differs from the certificate's unit code " + cn;
        }
        return null;
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
