package cn.egov.manager.broker;

import java.util.Optional;

/**
 * The embedded broker's listeners. Each is also the Artemis security domain of its acceptor, so
 * that a client is judged by the rules of the listener it came in on, never by what it claims.
 */
public enum Listener {
    /** Loopback, the manager's own subscriber only (a secret made fresh at each start). */
    INTERNAL("internal"),
    /** Boxes over TLS with a provincial CA certificate (production). */
    TLS("tls"),
    /** NOC operators over TLS with a user and password: subscribe only, never publish. */
    NOC("noc"),
    /** Unencrypted, for a lab only: boxes with per-box passwords ({@code broker.plain.enabled}). */
    PLAIN("plain");

    /** The Artemis security domain (acceptor parameter {@code securityDomain}). */
    public final String domain;

    Listener(String domain) {
        this.domain = domain;
    }

    static Optional<Listener> ofDomain(String domain) {
        for (Listener l : values()) {
            if (l.domain.equals(domain)) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }
}
