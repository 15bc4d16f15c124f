package cn.egov.manager.broker;

/**
 * Checks the credentials a client presents on one listener: the seam for TLS client
 * certificates (the CA part's {@code CertificateClientAuthenticator}: a provincial CA certificate
 * whose unit code is the client id).
 *
 * <pre>{@code
 * ClientAuthenticator certs = c -> c.peerChain().isEmpty()
 *         ? Verdict.refuse(ConnectRefusal.ANONYMOUS, "no TLS client certificate")
 *         : Verdict.accept(ClientRole.BOX, unitCodeOf(c.peerChain().get(0)));  // then the topic ACL checks the unit
 * }</pre>
 */
@FunctionalInterface
public interface ClientAuthenticator {

    /** The identity the client proved, or the reason it is refused. */
    Verdict authenticate(ClientCredentials credentials);
}
