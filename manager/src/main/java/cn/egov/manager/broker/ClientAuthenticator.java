package cn.egov.manager.broker;

import java.util.Optional;

/**
 * Decides whether a client may connect to the embedded broker and who it is. The seam for TLS
 * with client certificates: an implementation can require a certificate of the provincial CA
 * and that its subject names the client id.
 *
 * <pre>{@code
 * ClientAuthenticator certs = c -> c.peerChain().isEmpty() ? Optional.empty()
 *         : Optional.of(unitCodeFromSubject(c.peerChain().get(0)));  // then ACL checks the client id
 * }</pre>
 */
@FunctionalInterface
public interface ClientAuthenticator {

    /** The authenticated identity (the principal name), or empty to refuse the connection. */
    Optional<String> authenticate(ClientCredentials credentials);
}
