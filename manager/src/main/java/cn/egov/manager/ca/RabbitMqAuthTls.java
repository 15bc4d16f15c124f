package cn.egov.manager.ca;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * Mutual TLS of the manager's endpoint for RabbitMQ's HTTP auth backend: the manager shows a fresh
 * TLS-server certificate of the provincial issuing CA (issued at each start, in memory only), and
 * the caller must show a certificate of the same CA (the handshake refuses any other) that is not
 * revoked and whose CN is one of the RabbitMQ nodes' names ({@code broker.rabbitmq.auth.clients}):
 * a HUB certificate ({@code manager ca issue-hub}), which carries clientAuth. A box's certificate
 * passes the handshake but not the name check, so a box cannot ask the endpoint anything.
 */
public final class RabbitMqAuthTls {

    private static final String ALIAS = "rabbitmq-auth";

    private RabbitMqAuthTls() {
    }

    public static SSLContext serverContext(ProvincialCa ca, List<String> dnsNames, List<String> ips)
            throws IOException, GeneralSecurityException {
        ServerKeyStore identity = ServerKeyStore.issue(ca, ALIAS, dnsNames, ips);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(identity.keyStore(), identity.password());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(EstTlsIdentity.trustStore(ca));
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return tls;
    }

    /** Trusts the provincial CA only: for the nodes' management API over https (their certificates are the CA's). */
    public static SSLContext clientContext(ProvincialCa ca) throws IOException, GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(EstTlsIdentity.trustStore(ca));
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return tls;
    }

    /** Why a caller that passed the handshake may not ask, or empty when it may. */
    public static Optional<String> refusal(ProvincialCa ca, Set<String> allowed, X509Certificate leaf) {
        String cn = CsrValidator.commonName(X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded()));
        if (cn == null || !allowed.contains(cn)) {
            return Optional.of("certificate CN '" + cn + "' is not one of broker.rabbitmq.auth.clients");
        }
        BigInteger serial = leaf.getSerialNumber();
        try {
            CertificateStatus status = ca.status(serial);
            if (status.state() != CertificateStatus.State.GOOD) {
                return Optional.of("certificate " + serial.toString(16).toUpperCase() + " of " + cn + " is " + status.state());
            }
        } catch (GeneralSecurityException e) {
            return Optional.of("revocation status unavailable: " + e.getMessage());
        }
        return Optional.empty();
    }
}
